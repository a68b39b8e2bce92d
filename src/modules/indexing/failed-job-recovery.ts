import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PeriodicTask } from '../../common/scheduling/periodic-task';
import type { AppConfig } from '../../config/configuration';
import { SEARCH_INDEX, type SearchIndex } from '../search/search-index.port';
import { SEARCH_QUEUE, type SearchQueue } from './search-index.job';

/** How often a worker checks for failed jobs to give another chance. */
export const RECOVER_EVERY_MS = 30_000;

/**
 * Jobs fail for good only on retryable errors (the indexer completes a job whose document the
 * index refused for good, after logging it), i.e. when Elasticsearch or the database stayed away
 * longer than the job's attempts. So once the index answers again those jobs are retried without
 * anyone asking: an outage of any length ends with the index complete. Admins can still retry at
 * once with POST /admin/queues/search-index/retry-failed.
 */
@Injectable()
export class FailedJobRecovery implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FailedJobRecovery.name);
  private readonly enabled: boolean;
  private readonly task = new PeriodicTask(() => this.recover(), {
    logger: this.logger,
    failureEvent: 'search.jobs.recover_failed',
  });
  /** Jobs retried since boot: runOnce reports the difference across its wait. */
  private retriedTotal = 0;

  constructor(
    @Inject(SEARCH_QUEUE) private readonly queue: SearchQueue,
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.enabled = config.get('workers', { infer: true }) === 'inline';
  }

  onApplicationBootstrap(): void {
    if (!this.enabled || this.index.kind !== 'elasticsearch') return;
    this.task.start(RECOVER_EVERY_MS);
  }

  /** Before the queue closes, so that a recovery in progress finishes against an open queue. */
  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }

  /** Retries the failed jobs now if there are any and the index is ready; returns how many. */
  async runOnce(): Promise<number> {
    const before = this.retriedTotal;
    await this.task.runNow();
    return this.retriedTotal - before;
  }

  private async recover(): Promise<void> {
    const { failed } = await this.queue.counts();
    if (failed === 0 || !(await this.index.ready())) return;
    const retried = await this.queue.retryFailed();
    this.retriedTotal += retried;
    if (retried > 0) this.logger.log({ event: 'search.jobs.recovered', retried });
  }
}
