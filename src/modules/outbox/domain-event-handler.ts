import { DiscoveryService } from '@nestjs/core';
import type { DomainEvent, DomainEventName } from './domain-event-map';
import type { OutboxDestination } from './outbox-destination';

/**
 * A consumer of domain events: one injectable class per consumer, declared with @OnDomainEvent.
 * The relay delivers at least once and retries the whole event when any handler fails, so a
 * handler must be idempotent (the event's id and version make that easy).
 */
export interface DomainEventHandler<N extends DomainEventName = DomainEventName> {
  handle(event: DomainEvent<N>): Promise<void>;
  /**
   * False while the handler cannot deliver at all (its broker is disconnected): the relay then
   * leaves its destination's rows alone instead of spending their attempts. Absent: always true.
   */
  available?(): boolean;
}

export interface DomainEventHandlerMetadata {
  destination: OutboxDestination;
  events: readonly string[];
}

/** Marks handler classes so the bus finds them at boot (Nest's DiscoveryService). */
export const DomainEventHandlerMarker =
  DiscoveryService.createDecorator<DomainEventHandlerMetadata>();

/**
 * Declares the class an in-app handler of these events: the outbox bus passes it every event of
 * these names. The class must also be an @Injectable() provider of some module. The names are checked
 * against DomainEventMap when compiling and against the declared names at boot.
 */
export function OnDomainEvent<const N extends readonly DomainEventName[]>(
  ...names: N
): (target: new (...args: never[]) => DomainEventHandler<N[number]>) => void {
  return OnDomainEventAt('in-app', ...names);
}

/**
 * Like @OnDomainEvent, for a destination whose delivery the outbox tracks apart from the in-app
 * handlers (the RabbitMQ publisher): its failures never hold back search or realtime.
 */
export function OnDomainEventAt<const N extends readonly DomainEventName[]>(
  destination: OutboxDestination,
  ...names: N
): (target: new (...args: never[]) => DomainEventHandler<N[number]>) => void {
  return (target) => DomainEventHandlerMarker({ destination, events: names })(target);
}
