import { InjectQueue } from '@nestjs/bull';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { Job, JobOptions, Queue } from 'bull';
import { KEEP_COMPLETED, QueueName, searchJobId, SearchJobName } from './search-index.job';
import type { QueueCounts, SearchIndexJob, SearchQueue } from './search-index.job';
import { WORKER_CONCURRENCY } from './search-index.job';
import { SearchJobBatches } from './search-job-batches';

/** An enqueue that Redis has not answered within this long fails (the outbox retries it). */
const ENQUEUE_TIMEOUT_MS = 3000;
/** At shutdown, how long to wait for Bull's Redis clients to be ready before closing them. */
const READY_TIMEOUT_MS = 2000;
/** At shutdown, how long to wait for the active jobs before going on (they return to waiting). */
const CLOSE_WAIT_MS = 10_000;

/** The search-index queue on Bull (REDIS_URL set). */
@Injectable()
export class BullSearchQueue
  implements SearchQueue, OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger(BullSearchQueue.name);
  private readonly jobOptions: JobOptions;

  constructor(
    @InjectQueue(QueueName.SearchIndex) private readonly queue: Queue<SearchIndexJob>,
    private readonly batches: SearchJobBatches,
  ) {
    this.jobOptions = {
      attempts: batches.attempts,
      backoff: { type: 'exponential', delay: batches.backoffMs },
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: false,
    };
    this.queue.on('error', (error: Error) =>
      this.logger.warn({ event: 'search.queue.error', reason: error.message }),
    );
  }

  onApplicationBootstrap(): void {
    if (!this.batches.worker) return;
    // Bull adds listeners to its Redis clients per concurrent processor; the count is fixed, so
    // raise the limit instead of letting Node warn about a leak that is not one.
    for (const client of this.queue.clients) client.setMaxListeners(WORKER_CONCURRENCY + 20);
    this.queue.on('failed', (job: Job<SearchIndexJob>, error: Error) => {
      if (job.attemptsMade < (job.opts.attempts ?? 1)) return;
      this.logger.warn({
        event: 'search.job.failed',
        jobId: job.id,
        attempts: job.attemptsMade,
        reason: error.message,
      });
    });
    void this.queue
      .process(SearchJobName.IndexItem, WORKER_CONCURRENCY, (job: Job<SearchIndexJob>) =>
        this.batches.run(job.data),
      )
      .catch((error: Error) =>
        this.logger.error({ event: 'search.worker.stopped', reason: error.message }),
      );
  }

  /** Bull throws when a queue is closed before its clients are ready (STACK gotcha 1). */
  async onModuleDestroy(): Promise<void> {
    this.batches.drain();
    await Promise.all(
      this.queue.clients.map((client) =>
        client.status === 'ready'
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, READY_TIMEOUT_MS);
              client.once('ready', () => {
                clearTimeout(timer);
                resolve();
              });
            }),
      ),
    );
  }

  /**
   * After the outbox relay has stopped (onModuleDestroy) and before the pools close
   * (onApplicationShutdown): Bull stops taking jobs and waits for the active ones, so none is left
   * in `active` and none runs against a closed pool. A job still active when the grace period ends
   * goes back to waiting through Bull's stalled-job check once its lock expires.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.batches.drain();
    const closed = this.queue.close();
    closed.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    // Redis gone: Bull's close would wait for a reconnect; the grace period is the real bound.
    await Promise.race([
      closed,
      new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }

  async enqueue(jobs: SearchIndexJob[]): Promise<void> {
    if (jobs.length === 0) return;
    // ioredis would hold commands while disconnected: fail fast so the outbox row backs off.
    if (this.queue.client.status !== 'ready') {
      throw new Error(`search queue unavailable (redis ${this.queue.client.status})`);
    }
    const add = this.queue.addBulk(
      jobs.map((data) => ({
        name: SearchJobName.IndexItem,
        data,
        opts: { ...this.jobOptions, jobId: searchJobId(data) },
      })),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('search queue unavailable (enqueue timed out)')),
        ENQUEUE_TIMEOUT_MS,
      );
    });
    try {
      // If the timeout wins, `add` may still reject later (e.g. on shutdown): keep that handled.
      add.catch(() => undefined);
      await Promise.race([add, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async counts(): Promise<QueueCounts> {
    const c = await this.queue.getJobCounts();
    return {
      waiting: c.waiting,
      active: c.active,
      completed: c.completed,
      failed: c.failed,
      delayed: c.delayed,
    };
  }

  async retryFailed(): Promise<number> {
    const failed = await this.queue.getFailed();
    // Another process may retry the same job at the same time: Bull refuses the second retry.
    const results = await Promise.allSettled(failed.map((job) => job.retry()));
    return results.filter((r) => r.status === 'fulfilled').length;
  }
}
