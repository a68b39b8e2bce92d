/**
 * Port: tells the relays of other processes that outbox rows were just committed, so that an API
 * with WORKERS=off beside a worker process does not leave new events to the worker's periodic
 * sweep (which stays as the safety net). The profile binds it (profile.providers.ts): nothing to
 * tell in the embedded profile (one process), Redis pub/sub in the full stack. An abstract class:
 * the injection token and the interface at once.
 */
export abstract class OutboxWakeSignal {
  /** Fire and forget: a lost signal only means the sweep finds the rows instead. */
  abstract notify(): void;
  /** Calls `listener` whenever another process notified. */
  abstract subscribe(listener: () => void): void;
}
