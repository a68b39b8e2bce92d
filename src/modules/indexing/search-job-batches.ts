import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../../config/configuration';
import { Batcher } from './batcher';
import { BATCH_SIZE, BATCH_WAIT_MS, type SearchIndexJob } from './search-index.job';
import { SearchIndexProcessor } from './search-index.processor';

/**
 * What both search-queue adapters (Bull and in process) share of the job contract: whether this
 * process runs jobs, the attempts and backoff a job gets, and the batches jobs are processed in
 * (one bulk index write for up to BATCH_SIZE jobs).
 */
@Injectable()
export class SearchJobBatches {
  /** WORKERS=off: this process only enqueues; the worker process runs the jobs. */
  readonly worker: boolean;
  readonly attempts: number;
  /** The first retry's delay; each next one doubles it. */
  readonly backoffMs: number;
  private readonly batcher: Batcher<SearchIndexJob>;

  constructor(
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
    processor: SearchIndexProcessor,
  ) {
    const { attempts, backoffMs } = config.get('searchQueue', { infer: true });
    this.attempts = attempts;
    this.backoffMs = backoffMs;
    this.worker = config.get('workers', { infer: true }) === 'inline';
    this.batcher = new Batcher((jobs) => processor.run(jobs), BATCH_SIZE, BATCH_WAIT_MS);
  }

  /** Settles when the job's batch is written: rejects when the job must be retried. */
  run(job: SearchIndexJob): Promise<void> {
    return this.batcher.add(job);
  }

  /** Flushes what is waiting for a batch now (shutdown). */
  drain(): void {
    this.batcher.drain();
  }
}
