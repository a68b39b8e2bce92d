/** An event as subscribers receive it from the relay (at least once, in version order per aggregate). */
export interface OutboxEvent<TPayload = unknown> {
  /** Outbox row id: stable across redeliveries, usable for de-duplication. */
  id: string;
  type: string;
  aggregateId: string;
  version: number;
  payload: TPayload;
  occurredAt: Date;
}

/** What a module appends inside its transaction. */
export interface NewOutboxEvent {
  type: string;
  aggregateId: string;
  version: number;
  payload: unknown;
}
