import { DiscoveryService } from '@nestjs/core';
import type { DomainEvent, DomainEventName } from './domain-event-map';

/**
 * A consumer of domain events: one injectable class per consumer, declared with @OnDomainEvent.
 * The relay delivers at least once and retries the whole event when any handler fails, so a
 * handler must be idempotent (the event's id and version make that easy).
 */
export interface DomainEventHandler<N extends DomainEventName = DomainEventName> {
  handle(event: DomainEvent<N>): Promise<void>;
}

/** Marks handler classes so the bus finds them at boot (Nest's DiscoveryService). */
export const DomainEventHandlerMarker = DiscoveryService.createDecorator<readonly string[]>();

/**
 * Declares the class a handler of these events: the outbox bus passes it every event of these
 * names. The class must also be an @Injectable() provider of some module. The names are checked
 * against DomainEventMap when compiling and against the declared names at boot.
 */
export function OnDomainEvent<const N extends readonly DomainEventName[]>(
  ...names: N
): (target: new (...args: never[]) => DomainEventHandler<N[number]>) => void {
  return (target) => DomainEventHandlerMarker(names)(target);
}
