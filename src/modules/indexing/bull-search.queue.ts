import { InjectQueue } from '@nestjs/bull';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { Job, JobOptions, Queue } from 'bull';
import {
  addWithin,
  closeWithin,
  jobCounts,
  waitForClients,
} from '../../infrastructure/queues/bull-queue-lifecycle';
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
    await waitForClients(this.queue, READY_TIMEOUT_MS);
  }

  /**
   * After the outbox relay has stopped (onModuleDestroy) and before the pools close
   * (onApplicationShutdown): Bull stops taking jobs and waits for the active ones, so none is left
   * in `active` and none runs against a closed pool. A job still active when the grace period ends
   * goes back to waiting through Bull's stalled-job check once its lock expires.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.batches.drain();
    await closeWithin(this.queue, CLOSE_WAIT_MS);
  }

  /** Fails fast (Redis not ready, or no answer in time) so the outbox row backs off. */
  async enqueue(jobs: SearchIndexJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await addWithin(
      this.queue,
      () =>
        this.queue.addBulk(
          jobs.map((data) => ({
            name: SearchJobName.IndexItem,
            data,
            opts: { ...this.jobOptions, jobId: searchJobId(data) },
          })),
        ),
      ENQUEUE_TIMEOUT_MS,
      'search queue',
    );
  }

  counts(): Promise<QueueCounts> {
    return jobCounts(this.queue);
  }

  async retryFailed(): Promise<number> {
    const failed = await this.queue.getFailed();
    // Another process may retry the same job at the same time: Bull refuses the second retry.
    const results = await Promise.allSettled(failed.map((job) => job.retry()));
    return results.filter((r) => r.status === 'fulfilled').length;
  }
}
