import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
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
export class FailedJobRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FailedJobRecovery.name);
  private readonly enabled: boolean;
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    @Inject(SEARCH_QUEUE) private readonly queue: SearchQueue,
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.enabled = config.get('workers', { infer: true }) === 'inline';
  }

  onApplicationBootstrap(): void {
    if (!this.enabled || this.index.kind !== 'elasticsearch') return;
    this.timer = setInterval(() => void this.runOnce(), RECOVER_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Retries the failed jobs if there are any and the index is ready; returns how many. */
  async runOnce(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const { failed } = await this.queue.counts();
      if (failed === 0 || !(await this.index.ready())) return 0;
      const retried = await this.queue.retryFailed();
      if (retried > 0) this.logger.log({ event: 'search.jobs.recovered', retried });
      return retried;
    } catch (error) {
      this.logger.warn({ event: 'search.jobs.recover_failed', reason: (error as Error).message });
      return 0;
    } finally {
      this.running = false;
    }
  }
}
