/** Where a task reports a failed run (a Nest Logger, or anything with the same two methods). */
export interface TaskLogger {
  warn(message: object): void;
  error(message: object): void;
}

export interface PeriodicTaskOptions {
  logger: TaskLogger;
  /** Logged as `event` (with the error's message) when a run throws; the next run still happens. */
  failureEvent: string;
  /** How loud a failed run is: `warn` for a check that the next tick repeats anyway. */
  failureLevel?: 'warn' | 'error';
}

/**
 * Background work repeated on an interval, run at most once at a time: the outbox sweep, the
 * reindex runner, failed-job recovery and the realtime session check. A wake during a run asks for
 * one more run right after it (any number of wakes meanwhile make one run), so work signalled
 * mid-run is never missed and never doubled. A failed run is logged, never thrown. Timers are
 * unref'd, so a forgotten task never holds the process open; `stop()` waits for the run in
 * progress, which is what shutdown needs before it closes the pools the run uses.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly options: PeriodicTaskOptions,
  ) {}

  /** True from stop() on: a long run checks it to end early. */
  get stopping(): boolean {
    return this.stopped;
  }

  get started(): boolean {
    return this.timer !== null;
  }

  /** Runs every `intervalMs` (and at once with `runAtStart`); a second start is a no-op. */
  start(intervalMs: number, { runAtStart = false }: { runAtStart?: boolean } = {}): void {
    if (this.timer) return;
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), intervalMs);
    this.timer.unref();
    if (runAtStart) this.wake();
  }

  /** Asks for a run soon while started; cheap to call often (e.g. after every commit). */
  wake(): void {
    if (this.timer && !this.stopped) void this.runNow();
  }

  /**
   * Runs now, or right after the run in progress, whether or not the task was started; resolves
   * once that run has finished. Does nothing once stopped.
   */
  runNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const running = this.current;
    if (!running) return this.launch();
    this.next ??= running.then(() => {
      this.next = null;
      return this.stopped ? undefined : this.launch();
    });
    return this.next;
  }

  /** No new run starts; resolves when the one in progress (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.next;
    await this.current;
  }

  private launch(): Promise<void> {
    const run = this.execute();
    this.current = run;
    void run.finally(() => {
      if (this.current === run) this.current = null;
    });
    return run;
  }

  private async execute(): Promise<void> {
    try {
      await this.work();
    } catch (error) {
      const { logger, failureEvent, failureLevel = 'warn' } = this.options;
      const message = error instanceof Error ? error.message : String(error);
      logger[failureLevel]({ event: failureEvent, error: message });
    }
  }
}
