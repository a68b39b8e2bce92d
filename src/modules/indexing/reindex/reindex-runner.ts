import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { PeriodicTask } from '../../../common/scheduling/periodic-task';
import type { AppConfig } from '../../../config/configuration';
import { ItemsReadService } from '../../items/items-read.service';
import {
  SEARCH_INDEX,
  type IndexDocument,
  type IndexRebuild,
  type IndexWriteResult,
  type SearchIndex,
} from '../../search/search-index.port';
import { ReindexRepository, type ReindexJobPatch } from './reindex.repository';

/** Items read and written per bulk request while copying. */
export const REINDEX_BATCH = 500;
/** How often a process with workers looks for a queued job (a POST also wakes it at once). */
const POLL_MS = 2000;
/** A running job that has not reported for this long belonged to a process that died. */
export const REINDEX_STALE_MS = 60_000;
/**
 * Changes are found by `updated_at`, which each process stamps with its own clock before commit:
 * looking this far back covers clock skew between processes and transactions that commit late.
 */
const CATCH_UP_SLACK_MS = 5000;
/** Catch-up passes stop when one finds fewer changes than this (or after MAX_PASSES). */
const QUIET_CHANGES = 100;
const MAX_PASSES = 5;
/** Retries of the documents Elasticsearch answered 429/5xx for, before the job fails. */
const WRITE_ATTEMPTS = 5;

class Interrupted extends Error {
  constructor() {
    super('interrupted: this process is shutting down');
  }
}

class LostOwnership extends Error {
  constructor() {
    super('the job was declared abandoned while this process ran it');
  }
}

/**
 * Runs full reindex jobs in processes with workers (WORKERS=inline): claims a queued job (only one
 * process wins), builds the next generation beside the live one, copies every live item, then
 * re-applies what changed meanwhile (found by updated_at) until few changes remain, swaps the alias
 * atomically and re-applies once more through the alias for changes whose index job wrote to the
 * old generation just before the swap. External versions make the copy, the catch-up and the live
 * index jobs commute: whichever carries the higher item version wins, so the new generation ends
 * with every item at its latest version. At shutdown a running job goes back to the queue (its
 * half-built index dropped) for the next process to start again.
 */
@Injectable()
export class ReindexRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReindexRunner.name);
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly enabled: boolean;
  private readonly poller = new PeriodicTask(() => this.poll(), {
    logger: this.logger,
    failureEvent: 'search.reindex.poll_failed',
  });

  constructor(
    private readonly repo: ReindexRepository,
    private readonly items: ItemsReadService,
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.enabled = config.get('workers', { infer: true }) === 'inline';
  }

  onApplicationBootstrap(): void {
    if (this.enabled) this.poller.start(POLL_MS, { runAtStart: true });
  }

  /** A running job notices `stopping` between batches and goes back to the queue. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.poller.stop();
  }

  /** Looks for a queued job now (called after a POST, and periodically). */
  wake(): void {
    this.poller.wake();
  }

  /** One indexed read per tick: the unfinished job, if any (there is at most one). */
  private async poll(): Promise<void> {
    const job = await this.repo.findActive();
    if (!job) return;
    const now = new Date();
    if (job.status === 'running') {
      const staleBefore = new Date(now.getTime() - REINDEX_STALE_MS);
      if (job.heartbeatAt && job.heartbeatAt < staleBefore) {
        await this.repo.failAbandoned(staleBefore, now);
      }
      return;
    }
    if (!(await this.repo.claim(job.id, this.owner, now))) return;
    await this.run(job.id);
  }

  private async run(id: string): Promise<void> {
    const progress = async (patch: ReindexJobPatch): Promise<void> => {
      if (!(await this.repo.update(id, this.owner, { ...patch, heartbeatAt: new Date() }))) {
        throw new LostOwnership();
      }
    };
    this.logger.log({ event: 'search.reindex.started', jobId: id, driver: this.index.kind });
    let build: IndexRebuild | null = null;
    let published = false;
    const counts = { processed: 0, reapplied: 0, rejected: 0 };
    try {
      build = await this.index.rebuild();
      const copyStart = new Date();
      const total = await this.items.countLive();
      await progress({
        phase: 'copying',
        sourceIndex: build.source,
        targetIndex: build.target,
        total,
      });
      let since = new Date(copyStart.getTime() - CATCH_UP_SLACK_MS);
      if (build.copiesDocuments) {
        const into = build;
        const writeToNew = (docs: IndexDocument[]): Promise<IndexWriteResult> => into.write(docs);
        let after = '';
        for (;;) {
          this.checkStopping();
          const documents = await this.items.liveAfter(after, REINDEX_BATCH);
          if (documents.length === 0) break;
          counts.rejected += await this.writeAll(writeToNew, documents);
          counts.processed += documents.length;
          after = documents[documents.length - 1].item.id;
          await progress({ processed: counts.processed, rejected: counts.rejected });
        }
        await progress({ phase: 'catching_up' });
        for (let pass = 0; pass < MAX_PASSES; pass += 1) {
          this.checkStopping();
          const passStart = new Date();
          const changed = await this.reapply(since, writeToNew, counts);
          since = new Date(passStart.getTime() - CATCH_UP_SLACK_MS);
          await progress({ reapplied: counts.reapplied, rejected: counts.rejected });
          if (changed < QUIET_CHANGES) break;
        }
      } else {
        counts.processed = total;
      }
      this.checkStopping();
      await progress({ phase: 'publishing', processed: counts.processed });
      await build.publish();
      published = true;
      if (build.copiesDocuments) {
        // Index jobs that ran just before the swap wrote to the old generation: write their items
        // again, now through the alias (the new generation). Later jobs already write there.
        await this.reapply(since, (docs) => this.index.write(docs), counts);
      }
      await build
        .cleanup()
        .catch((error: Error) =>
          this.logger.warn({ event: 'search.reindex.cleanup_failed', reason: error.message }),
        );
      await progress({
        status: 'completed',
        phase: 'done',
        reapplied: counts.reapplied,
        rejected: counts.rejected,
        activeSlot: null,
        finishedAt: new Date(),
      });
      this.logger.log({ event: 'search.reindex.completed', jobId: id, ...counts });
    } catch (error) {
      if (build && !published) await build.abort().catch(() => undefined);
      await this.end(id, error, published);
    }
  }

  /** After a failure: back to the queue when interrupted before the swap, else failed. */
  private async end(id: string, error: unknown, published: boolean): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof LostOwnership) {
      this.logger.warn({ event: 'search.reindex.lost', jobId: id });
      return;
    }
    if (error instanceof Interrupted && !published) {
      this.logger.warn({ event: 'search.reindex.requeued', jobId: id });
      await this.repo
        .update(id, this.owner, {
          status: 'queued',
          phase: 'queued',
          owner: null,
          heartbeatAt: null,
          sourceIndex: null,
          targetIndex: null,
          processed: 0,
          reapplied: 0,
          rejected: 0,
        })
        .catch(() => undefined);
      return;
    }
    this.logger.warn({ event: 'search.reindex.failed', jobId: id, reason });
    await this.repo
      .update(id, this.owner, {
        status: 'failed',
        error: reason.slice(0, 500),
        activeSlot: null,
        finishedAt: new Date(),
      })
      .catch(() => undefined);
  }

  private checkStopping(): void {
    if (this.poller.stopping) throw new Interrupted();
  }

  /**
   * Writes every item changed from `since` until now (a change made later is left to the next
   * pass, or to its own index job), in (updated_at, id) order; returns how many.
   */
  private async reapply(
    since: Date,
    write: (docs: IndexDocument[]) => Promise<IndexWriteResult>,
    counts: { reapplied: number; rejected: number },
  ): Promise<number> {
    const until = new Date();
    let after: { at: Date; id: string } | null = null;
    let changed = 0;
    for (;;) {
      const documents = await this.items.changedBetween({
        since,
        until,
        after,
        limit: REINDEX_BATCH,
      });
      if (documents.length === 0) return changed;
      counts.rejected += await this.writeAll(write, documents);
      changed += documents.length;
      counts.reapplied += documents.length;
      const last = documents[documents.length - 1].item;
      after = { at: new Date(last.updatedAt), id: last.id };
    }
  }

  /**
   * Writes documents, retrying those answered with a retryable failure (429/5xx) with backoff;
   * returns how many the index refused for good. Throws when retries run out.
   */
  private async writeAll(
    write: (docs: IndexDocument[]) => Promise<IndexWriteResult>,
    documents: IndexDocument[],
  ): Promise<number> {
    let pending = documents;
    let rejected = 0;
    for (let attempt = 1; ; attempt += 1) {
      const { failed } = await write(pending);
      const retry = new Set<string>();
      for (const failure of failed) {
        if (failure.retryable) retry.add(failure.id);
        else {
          rejected += 1;
          this.logger.warn({
            event: 'search.reindex.rejected',
            itemId: failure.id,
            reason: failure.reason,
          });
        }
      }
      if (retry.size === 0) return rejected;
      if (attempt >= WRITE_ATTEMPTS) {
        throw new Error(`${retry.size} documents still failing after ${attempt} attempts`);
      }
      pending = pending.filter((d) => retry.has(d.item.id));
      await sleep(200 * 2 ** (attempt - 1));
    }
  }
}
