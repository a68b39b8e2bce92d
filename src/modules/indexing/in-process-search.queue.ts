import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { KEEP_COMPLETED, QUEUE_STATES, searchJobId } from './search-index.job';
import type { QueueCounts, QueueState, SearchIndexJob, SearchQueue } from './search-index.job';
import { SearchJobBatches } from './search-job-batches';

interface LocalJob {
  id: string;
  data: SearchIndexJob;
  state: QueueState;
  attemptsMade: number;
  timer?: NodeJS.Timeout;
}

/**
 * The embedded profile's queue (no REDIS_URL): the same contract as Bull (deduplicating job ids,
 * attempts with exponential backoff, failed jobs kept until retried, completed jobs kept up to a
 * count), in memory. Jobs not done when the process stops are not kept; the database driver, the
 * usual one in this profile, needs no jobs at all.
 */
@Injectable()
export class InProcessSearchQueue implements SearchQueue, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(InProcessSearchQueue.name);
  private readonly jobs = new Map<string, LocalJob>();
  private readonly completed: string[] = [];
  private running = false;

  constructor(private readonly batches: SearchJobBatches) {}

  onApplicationBootstrap(): void {
    this.running = this.batches.worker;
    this.pump();
  }

  onModuleDestroy(): void {
    this.running = false;
    for (const job of this.jobs.values()) if (job.timer) clearTimeout(job.timer);
  }

  enqueue(jobs: SearchIndexJob[]): Promise<void> {
    for (const data of jobs) {
      const id = searchJobId(data);
      if (this.jobs.has(id)) continue;
      this.jobs.set(id, { id, data, state: 'waiting', attemptsMade: 0 });
    }
    this.pump();
    return Promise.resolve();
  }

  counts(): Promise<QueueCounts> {
    const counts = Object.fromEntries(QUEUE_STATES.map((s) => [s, 0])) as QueueCounts;
    for (const job of this.jobs.values()) counts[job.state] += 1;
    return Promise.resolve(counts);
  }

  retryFailed(): Promise<number> {
    let retried = 0;
    for (const job of this.jobs.values()) {
      if (job.state !== 'failed') continue;
      job.state = 'waiting';
      job.attemptsMade = 0;
      retried += 1;
    }
    this.pump();
    return Promise.resolve(retried);
  }

  private pump(): void {
    if (!this.running) return;
    for (const job of this.jobs.values()) {
      if (job.state !== 'waiting') continue;
      job.state = 'active';
      this.batches.run(job.data).then(
        () => this.complete(job),
        (error: unknown) => this.fail(job, error),
      );
    }
  }

  private complete(job: LocalJob): void {
    job.state = 'completed';
    this.completed.push(job.id);
    while (this.completed.length > KEEP_COMPLETED) {
      const oldest = this.completed.shift();
      if (oldest !== undefined) this.jobs.delete(oldest);
    }
  }

  private fail(job: LocalJob, error: unknown): void {
    job.attemptsMade += 1;
    if (job.attemptsMade >= this.batches.attempts) {
      job.state = 'failed';
      this.logger.warn({
        event: 'search.job.failed',
        jobId: job.id,
        attempts: job.attemptsMade,
        reason: (error as Error)?.message,
      });
      return;
    }
    job.state = 'delayed';
    const delay = this.batches.backoffMs * 2 ** (job.attemptsMade - 1);
    job.timer = setTimeout(() => {
      job.timer = undefined;
      if (job.state !== 'delayed') return;
      job.state = 'waiting';
      this.pump();
    }, delay);
  }
}
