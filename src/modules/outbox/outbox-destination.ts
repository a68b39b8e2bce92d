import type { OutboxEntity } from './outbox.entity';

/**
 * Where the relay delivers outbox rows. Each destination tracks its own delivery of every row
 * (its own columns), so one being down never holds back another:
 * - `in-app`: the @OnDomainEvent handlers of this application (search indexing, realtime);
 * - `rabbitmq`: the broker publisher (events module), present only with RABBITMQ_URL.
 */
export const OUTBOX_DESTINATIONS = ['in-app', 'rabbitmq'] as const;
export type OutboxDestination = (typeof OUTBOX_DESTINATIONS)[number];

type Property = keyof OutboxEntity;

/** The entity properties holding one destination's delivery state. */
export interface DeliveryColumns {
  deliveredAt: Property;
  attempts: Property;
  nextAttemptAt: Property;
  lastError: Property;
  leaseUntil: Property;
  leaseOwner: Property;
}

export const DELIVERY_COLUMNS: Record<OutboxDestination, DeliveryColumns> = {
  'in-app': {
    deliveredAt: 'dispatchedAt',
    attempts: 'attempts',
    nextAttemptAt: 'nextAttemptAt',
    lastError: 'lastError',
    leaseUntil: 'leaseUntil',
    leaseOwner: 'leaseOwner',
  },
  rabbitmq: {
    deliveredAt: 'publishedAt',
    attempts: 'publishAttempts',
    nextAttemptAt: 'publishNextAttemptAt',
    lastError: 'publishLastError',
    leaseUntil: 'publishLeaseUntil',
    leaseOwner: 'publishLeaseOwner',
  },
};

/** The snake_case column of a property (the naming strategy's rule), for raw SQL fragments. */
export const columnOf = (property: string): string =>
  property.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
