/** Bull queue name (and Redis key segment) of the mail queue. */
export const MAIL_QUEUE_NAME = 'mail';

/**
 * The jobs on the mail queue. Each job looks up what it needs when it runs (the user, a fresh
 * token), so a request only enqueues and never waits on the database lookups or on SMTP, and a
 * token is only issued for a mail that is being sent.
 */
export type MailJob =
  | { kind: 'verify-email'; userId: string }
  | { kind: 'password-reset'; email: string }
  | { kind: 'email-change'; userId: string; newEmail: string }
  | { kind: 'email-change-notice'; userId: string; oldEmail: string; newEmail: string };
export type MailJobKind = MailJob['kind'];

export const MAIL_JOB_KINDS = [
  'verify-email',
  'password-reset',
  'email-change',
  'email-change-notice',
] as const satisfies readonly MailJobKind[];

export const MAIL_QUEUE = Symbol('MAIL_QUEUE');

export const MAIL_QUEUE_STATES = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;
export type MailQueueCounts = Record<(typeof MAIL_QUEUE_STATES)[number], number>;

/** The mail queue, on Bull (Redis) or in process: the same contract either way. */
export interface MailQueue {
  /**
   * Adds a job; `jobId` deduplicates (an outbox redelivery of the same event enqueues nothing).
   * Throws if the queue cannot take it now.
   */
  enqueue(job: MailJob, jobId?: string): Promise<void>;
  counts(): Promise<MailQueueCounts>;
}

/** Completed jobs kept for deduplication and counts. */
export const KEEP_COMPLETED_MAILS = 1000;
