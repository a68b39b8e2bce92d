/** The job states of a queue, Bull's names (the admin counts use them on both profiles). */
export const JOB_STATES = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;
export type JobState = (typeof JOB_STATES)[number];
export type JobCounts = Record<JobState, number>;

/** What a hook sees of a job. */
export interface InProcessJob<T> {
  readonly id: string;
  readonly data: T;
  readonly attemptsMade: number;
}

export interface InProcessJobsOptions<T> {
  /** Runs one job; a rejection counts as a failed attempt. */
  run: (data: T) => Promise<unknown>;
  /** Attempts per job (the first run included) before it is kept as failed. */
  attempts: number;
  /** Delay before the first retry; each later retry waits twice as long (Bull's exponential backoff). */
  backoffMs: number;
  /** Completed jobs kept (for deduplication and counts); the oldest are dropped beyond this. */
  keepCompleted: number;
  /** Called when a job has used every attempt (it stays as failed). */
  onFailed?: (job: InProcessJob<T>, reason: string) => void;
  /** Called when a failed attempt will be retried after the backoff. */
  onRetry?: (job: InProcessJob<T>, reason: string) => void;
}

interface LocalJob<T> {
  id: string;
  data: T;
  state: JobState;
  attemptsMade: number;
  timer?: NodeJS.Timeout;
}

/**
 * The in-process job engine of the embedded profile's queues (no REDIS_URL): Bull's contract
 * (deduplicating job ids, attempts with exponential backoff, failed jobs kept until retried,
 * completed jobs kept up to a count), in memory. Jobs not done when the process stops are lost.
 * Jobs only run between `start()` and `stop()`; added before, they wait.
 */
export class InProcessJobs<T> {
  private readonly jobs = new Map<string, LocalJob<T>>();
  private readonly completed: string[] = [];
  private running = false;

  constructor(private readonly options: InProcessJobsOptions<T>) {}

  /** Starts running jobs (the worker role); `run = false` keeps them waiting. */
  start(run = true): void {
    this.running = run;
    this.pump();
  }

  /** Stops running jobs and cancels the pending retries. */
  stop(): void {
    this.running = false;
    for (const job of this.jobs.values()) if (job.timer) clearTimeout(job.timer);
  }

  /** Adds jobs; an id already known (waiting, running, kept completed or failed) adds nothing. */
  add(entries: ReadonlyArray<{ id: string; data: T }>): void {
    for (const { id, data } of entries) {
      if (this.jobs.has(id)) continue;
      this.jobs.set(id, { id, data, state: 'waiting', attemptsMade: 0 });
    }
    this.pump();
  }

  counts(): JobCounts {
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as JobCounts;
    for (const job of this.jobs.values()) counts[job.state] += 1;
    return counts;
  }

  /** Puts every failed job back to waiting with fresh attempts; returns how many. */
  retryFailed(): number {
    let retried = 0;
    for (const job of this.jobs.values()) {
      if (job.state !== 'failed') continue;
      job.state = 'waiting';
      job.attemptsMade = 0;
      retried += 1;
    }
    this.pump();
    return retried;
  }

  private pump(): void {
    if (!this.running) return;
    for (const job of this.jobs.values()) {
      if (job.state !== 'waiting') continue;
      job.state = 'active';
      this.options.run(job.data).then(
        () => this.complete(job),
        (error: unknown) => this.fail(job, error),
      );
    }
  }

  private complete(job: LocalJob<T>): void {
    job.state = 'completed';
    this.completed.push(job.id);
    while (this.completed.length > this.options.keepCompleted) {
      const oldest = this.completed.shift();
      if (oldest !== undefined) this.jobs.delete(oldest);
    }
  }

  private fail(job: LocalJob<T>, error: unknown): void {
    job.attemptsMade += 1;
    const reason = error instanceof Error ? error.message : String(error);
    if (job.attemptsMade >= this.options.attempts) {
      job.state = 'failed';
      this.options.onFailed?.(job, reason);
      return;
    }
    this.options.onRetry?.(job, reason);
    job.state = 'delayed';
    const delay = this.options.backoffMs * 2 ** (job.attemptsMade - 1);
    job.timer = setTimeout(() => {
      job.timer = undefined;
      if (job.state !== 'delayed' || !this.running) return;
      job.state = 'waiting';
      this.pump();
    }, delay);
  }
}
