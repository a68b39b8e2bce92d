import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InProcessJobs } from '../../infrastructure/queues/in-process-jobs';
import { KEEP_COMPLETED, searchJobId } from './search-index.job';
import type { QueueCounts, SearchIndexJob, SearchQueue } from './search-index.job';
import { SearchJobBatches } from './search-job-batches';

/**
 * The embedded profile's queue (no REDIS_URL): the same contract as Bull (deduplicating job ids,
 * attempts with exponential backoff, failed jobs kept until retried, completed jobs kept up to a
 * count), in memory. Jobs not done when the process stops are not kept; the database driver, the
 * usual one in this profile, needs no jobs at all.
 */
@Injectable()
export class InProcessSearchQueue implements SearchQueue, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(InProcessSearchQueue.name);
  private readonly jobs: InProcessJobs<SearchIndexJob>;

  constructor(private readonly batches: SearchJobBatches) {
    this.jobs = new InProcessJobs<SearchIndexJob>({
      run: (data) => batches.run(data),
      attempts: batches.attempts,
      backoffMs: batches.backoffMs,
      keepCompleted: KEEP_COMPLETED,
      onFailed: (job, reason) =>
        this.logger.warn({
          event: 'search.job.failed',
          jobId: job.id,
          attempts: job.attemptsMade,
          reason,
        }),
    });
  }

  onApplicationBootstrap(): void {
    this.jobs.start(this.batches.worker);
  }

  onModuleDestroy(): void {
    this.jobs.stop();
  }

  enqueue(jobs: SearchIndexJob[]): Promise<void> {
    this.jobs.add(jobs.map((data) => ({ id: searchJobId(data), data })));
    return Promise.resolve();
  }

  counts(): Promise<QueueCounts> {
    return Promise.resolve(this.jobs.counts());
  }

  retryFailed(): Promise<number> {
    return Promise.resolve(this.jobs.retryFailed());
  }
}
