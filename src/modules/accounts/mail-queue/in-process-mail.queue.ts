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
import { AccountMailProcessor } from './account-mail.processor';
import { KEEP_COMPLETED_MAILS, MAIL_QUEUE_STATES } from './mail.job';
import type { MailJob, MailQueue, MailQueueCounts } from './mail.job';

interface LocalJob {
  id: string;
  data: MailJob;
  state: (typeof MAIL_QUEUE_STATES)[number];
  attemptsMade: number;
  timer?: NodeJS.Timeout;
}

/**
 * The embedded profile's mail queue (no REDIS_URL): Bull's contract (deduplicating job ids,
 * attempts with exponential backoff, failed jobs kept), in memory. Jobs not done when the process
 * stops are lost; with SMTP down for longer than the attempts last, the mail is kept as failed.
 */
@Injectable()
export class InProcessMailQueue implements MailQueue, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(InProcessMailQueue.name);
  private readonly jobs = new Map<string, LocalJob>();
  private readonly completed: string[] = [];
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly worker: boolean;
  private running = false;

  constructor(
    private readonly processor: AccountMailProcessor,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    const mail = config.get('mail', { infer: true });
    this.attempts = mail.attempts;
    this.backoffMs = mail.backoffMs;
    this.worker = config.get('workers', { infer: true }) === 'inline';
  }

  onApplicationBootstrap(): void {
    this.running = this.worker;
    this.pump();
  }

  onModuleDestroy(): void {
    this.running = false;
    for (const job of this.jobs.values()) if (job.timer) clearTimeout(job.timer);
  }

  enqueue(data: MailJob, jobId?: string): Promise<void> {
    const id = jobId ?? randomUUID();
    if (!this.jobs.has(id)) this.jobs.set(id, { id, data, state: 'waiting', attemptsMade: 0 });
    this.pump();
    return Promise.resolve();
  }

  counts(): Promise<MailQueueCounts> {
    const counts = Object.fromEntries(MAIL_QUEUE_STATES.map((s) => [s, 0])) as MailQueueCounts;
    for (const job of this.jobs.values()) counts[job.state] += 1;
    return Promise.resolve(counts);
  }

  private pump(): void {
    if (!this.running) return;
    for (const job of this.jobs.values()) {
      if (job.state !== 'waiting') continue;
      job.state = 'active';
      this.processor.run(job.data).then(
        () => this.complete(job),
        (error: unknown) => this.fail(job, error),
      );
    }
  }

  private complete(job: LocalJob): void {
    job.state = 'completed';
    this.completed.push(job.id);
    while (this.completed.length > KEEP_COMPLETED_MAILS) {
      const oldest = this.completed.shift();
      if (oldest !== undefined) this.jobs.delete(oldest);
    }
  }

  private fail(job: LocalJob, error: unknown): void {
    job.attemptsMade += 1;
    const reason = error instanceof Error ? error.message : String(error);
    if (job.attemptsMade >= this.attempts) {
      job.state = 'failed';
      this.logger.warn({ event: 'mail.job.failed', jobId: job.id, kind: job.data.kind, reason });
      return;
    }
    this.logger.warn({
      event: 'mail.job.retry',
      jobId: job.id,
      kind: job.data.kind,
      attempt: job.attemptsMade,
      reason,
    });
    job.state = 'delayed';
    const delay = this.backoffMs * 2 ** (job.attemptsMade - 1);
    job.timer = setTimeout(() => {
      job.timer = undefined;
      if (job.state !== 'delayed' || !this.running) return;
      job.state = 'waiting';
      this.pump();
    }, delay);
  }
}
