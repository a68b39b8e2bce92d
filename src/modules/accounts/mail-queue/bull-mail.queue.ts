import { InjectQueue } from '@nestjs/bull';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Job, JobOptions, Queue } from 'bull';
import type { AppConfig } from '../../../config/configuration';
import {
  addWithin,
  closeWithin,
  jobCounts,
  waitForClients,
} from '../../../infrastructure/queues/bull-queue-lifecycle';
import { AccountMailProcessor } from './account-mail.processor';
import { KEEP_COMPLETED_MAILS, MAIL_QUEUE_NAME } from './mail.job';
import type { MailJob, MailQueue, MailQueueCounts } from './mail.job';

/** An enqueue that Redis has not answered within this long fails the request (or outbox retry). */
const ENQUEUE_TIMEOUT_MS = 3000;
const READY_TIMEOUT_MS = 2000;
const CLOSE_WAIT_MS = 10_000;
const MAIL_CONCURRENCY = 5;
/** Bull's job name: one handler (AccountMailProcessor) for every kind, dispatched on `kind`. */
const JOB_NAME = 'send';

/** The mail queue on Bull (REDIS_URL set): mails survive a restart of the process. */
@Injectable()
export class BullMailQueue
  implements MailQueue, OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger(BullMailQueue.name);
  private readonly jobOptions: JobOptions;
  private readonly worker: boolean;

  constructor(
    @InjectQueue(MAIL_QUEUE_NAME) private readonly queue: Queue<MailJob>,
    private readonly processor: AccountMailProcessor,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    const mail = config.get('mail', { infer: true });
    this.jobOptions = {
      attempts: mail.attempts,
      backoff: { type: 'exponential', delay: mail.backoffMs },
      removeOnComplete: KEEP_COMPLETED_MAILS,
      removeOnFail: false,
    };
    this.worker = config.get('workers', { infer: true }) === 'inline';
    this.queue.on('error', (error: Error) =>
      this.logger.warn({ event: 'mail.queue.error', reason: error.message }),
    );
  }

  onApplicationBootstrap(): void {
    if (!this.worker) return;
    this.queue.on('failed', (job: Job<MailJob>, error: Error) => {
      const final = job.attemptsMade >= (job.opts.attempts ?? 1);
      this.logger.warn({
        event: final ? 'mail.job.failed' : 'mail.job.retry',
        jobId: job.id,
        kind: job.data.kind,
        attempt: job.attemptsMade,
        reason: error.message,
      });
    });
    void this.queue
      .process(JOB_NAME, MAIL_CONCURRENCY, (job: Job<MailJob>) => this.processor.run(job.data))
      .catch((error: Error) =>
        this.logger.error({ event: 'mail.worker.stopped', reason: error.message }),
      );
  }

  /** Bull throws when a queue is closed before its clients are ready (STACK gotcha 1). */
  async onModuleDestroy(): Promise<void> {
    await waitForClients(this.queue, READY_TIMEOUT_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await closeWithin(this.queue, CLOSE_WAIT_MS);
  }

  async enqueue(data: MailJob, jobId?: string): Promise<void> {
    await addWithin(
      this.queue,
      () => this.queue.add(JOB_NAME, data, { ...this.jobOptions, ...(jobId ? { jobId } : {}) }),
      ENQUEUE_TIMEOUT_MS,
      'mail queue',
    );
  }

  counts(): Promise<MailQueueCounts> {
    return jobCounts(this.queue);
  }
}
