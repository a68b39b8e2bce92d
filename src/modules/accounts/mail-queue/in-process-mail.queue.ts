import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../../../config/configuration';
import { InProcessJobs } from '../../../infrastructure/queues/in-process-jobs';
import { AccountMailProcessor } from './account-mail.processor';
import { KEEP_COMPLETED_MAILS } from './mail.job';
import type { MailJob, MailQueue, MailQueueCounts } from './mail.job';

/**
 * The embedded profile's mail queue (no REDIS_URL): Bull's contract (deduplicating job ids,
 * attempts with exponential backoff, failed jobs kept), in memory. Jobs not done when the process
 * stops are lost; with SMTP down for longer than the attempts last, the mail is kept as failed.
 */
@Injectable()
export class InProcessMailQueue implements MailQueue, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(InProcessMailQueue.name);
  private readonly jobs: InProcessJobs<MailJob>;
  private readonly worker: boolean;

  constructor(
    processor: AccountMailProcessor,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    const mail = config.get('mail', { infer: true });
    this.worker = config.get('workers', { infer: true }) === 'inline';
    this.jobs = new InProcessJobs<MailJob>({
      run: (data) => processor.run(data),
      attempts: mail.attempts,
      backoffMs: mail.backoffMs,
      keepCompleted: KEEP_COMPLETED_MAILS,
      onFailed: (job, reason) =>
        this.logger.warn({ event: 'mail.job.failed', jobId: job.id, kind: job.data.kind, reason }),
      onRetry: (job, reason) =>
        this.logger.warn({
          event: 'mail.job.retry',
          jobId: job.id,
          kind: job.data.kind,
          attempt: job.attemptsMade,
          reason,
        }),
    });
  }

  onApplicationBootstrap(): void {
    this.jobs.start(this.worker);
  }

  onModuleDestroy(): void {
    this.jobs.stop();
  }

  enqueue(data: MailJob, jobId?: string): Promise<void> {
    this.jobs.add([{ id: jobId ?? randomUUID(), data }]);
    return Promise.resolve();
  }

  counts(): Promise<MailQueueCounts> {
    return Promise.resolve(this.jobs.counts());
  }
}
