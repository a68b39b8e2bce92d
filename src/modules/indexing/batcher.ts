/**
 * Collects items into batches (flushed every `maxWaitMs` or at `maxSize`) and settles each item's
 * promise with its own outcome from the batch: `flush` returns one error (or null) per item, in order,
 * or throws to fail the whole batch.
 */
export class Batcher<T> {
  private pending: Array<{ item: T; resolve: () => void; reject: (error: Error) => void }> = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly flush: (items: T[]) => Promise<Array<Error | null>>,
    private readonly maxSize: number,
    private readonly maxWaitMs: number,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxSize) this.run();
      else this.timer ??= setTimeout(() => this.run(), this.maxWaitMs);
    });
  }

  private run(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending.splice(0, this.maxSize);
    if (this.pending.length > 0) this.timer = setTimeout(() => this.run(), this.maxWaitMs);
    if (batch.length === 0) return;
    this.flush(batch.map((b) => b.item)).then(
      (outcomes) =>
        batch.forEach((b, i) => {
          const error = outcomes[i];
          if (error) b.reject(error);
          else b.resolve();
        }),
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        batch.forEach((b) => b.reject(failure));
      },
    );
  }

  /** Stops waiting: anything pending is flushed now. */
  drain(): void {
    this.run();
  }
}
