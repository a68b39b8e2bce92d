/** What a process hears: some keys changed elsewhere, or everything must be forgotten. */
export type InvalidationListener = (keys: readonly string[] | 'all') => void;

/**
 * Port: how the near cache of every API process learns that an entry changed in another one. The
 * profile binds it (profile.providers.ts): nothing to tell in a single process, or Redis pub/sub.
 * An abstract class so that it is the injection token and the interface at once.
 */
export abstract class CacheInvalidationBus {
  /**
   * True while this process is sure to hear other processes' invalidations; the near cache is
   * used only then (a process that might miss one reads the shared store instead).
   */
  abstract get live(): boolean;
  /** Tells the other processes; rejects when they could not be told (the caller retries). */
  abstract publish(keys: readonly string[]): Promise<void>;
  abstract listen(listener: InvalidationListener): void;
}
