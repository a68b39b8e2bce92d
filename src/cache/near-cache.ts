interface NearEntry {
  value: unknown;
  /** epoch ms */
  expiresAt: number;
}

/**
 * The in-process tier in front of the shared store: at most `maxEntries` entries (least recently
 * used forgotten first), each for at most `ttlMs`. Values are frozen, since every reader of a key
 * gets the same object.
 *
 * It also keeps a log of invalidations, so that a value read before an invalidation is not stored
 * after it (a read that started, then a write that invalidated, then the read storing what it
 * found would otherwise bring the old state back). Reads take a ticket with `begin()`; `isStale`
 * says whether the key was invalidated since. The log is bounded: once entries are dropped, any
 * ticket older than the dropped ones counts as stale (safe: the value is just not cached).
 */
export class NearCache {
  private readonly entries = new Map<string, NearEntry>();
  private readonly invalidatedAt = new Map<string, number>();
  private seq = 0;
  /** invalidations up to this sequence number may have been dropped from the log */
  private forgottenUpTo = -1;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get<T>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value as T;
  }

  set(key: string, value: unknown): void {
    if (!this.enabled) return;
    this.entries.delete(key);
    this.entries.set(key, { value: deepFreeze(value), expiresAt: this.now() + this.ttlMs });
    trim(this.entries, this.maxEntries);
  }

  /** A ticket for a read about to start (see `isStale`). */
  begin(): number {
    return this.seq;
  }

  /** Whether `key` was invalidated after the read holding `ticket` began. */
  isStale(key: string, ticket: number): boolean {
    if (ticket <= this.forgottenUpTo) return true;
    return (this.invalidatedAt.get(key) ?? -1) >= ticket;
  }

  invalidate(keys: readonly string[]): void {
    for (const key of keys) {
      this.entries.delete(key);
      this.invalidatedAt.delete(key);
      this.invalidatedAt.set(key, this.seq);
    }
    this.seq += 1;
    while (this.invalidatedAt.size > this.maxEntries) {
      const oldest = this.invalidatedAt.entries().next();
      if (oldest.done) break;
      this.invalidatedAt.delete(oldest.value[0]);
      this.forgottenUpTo = Math.max(this.forgottenUpTo, oldest.value[1]);
    }
  }

  /** Forgets every entry and makes every read in flight stale. */
  clear(): void {
    this.entries.clear();
    this.invalidatedAt.clear();
    this.forgottenUpTo = this.seq;
    this.seq += 1;
  }
}

function trim(map: Map<string, unknown>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}
