import type { OutboxEvent } from './outbox.event';

/**
 * Every domain event: name → payload. Declared empty here and filled by each module that emits
 * events, in its own `*.events.ts`, by declaration merging (see items/item.events.ts): the
 * catalogue is one type without the outbox depending on any feature module.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface DomainEventMap {}

export type DomainEventName = Extract<keyof DomainEventMap, string>;

/** An outbox event of one of the named types, its payload typed by the map. */
export type DomainEvent<N extends DomainEventName = DomainEventName> = {
  [K in N]: OutboxEvent<DomainEventMap[K]> & { type: K };
}[N];

const declared = new Set<string>();

/**
 * The run-time half of the map: an emitting module lists its event names once, beside the type,
 * so the bus can refuse at boot a handler for a name nobody declares (a cast, or a stale build).
 */
export function declareDomainEvents<const N extends readonly DomainEventName[]>(names: N): N {
  for (const name of names) declared.add(name);
  return names;
}

export function isDeclaredDomainEvent(name: string): name is DomainEventName {
  return declared.has(name);
}
