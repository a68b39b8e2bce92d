import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { type DomainEventHandler, DomainEventHandlerMarker } from './domain-event-handler';
import { type DomainEvent, isDeclaredDomainEvent } from './domain-event-map';
import type { OutboxDestination } from './outbox-destination';
import type { OutboxEvent } from './outbox.event';

interface Registered {
  name: string;
  handler: DomainEventHandler;
}

const isHandler = (value: unknown): value is DomainEventHandler =>
  typeof value === 'object' &&
  value !== null &&
  'handle' in value &&
  typeof value.handle === 'function';

/**
 * The bus the relay publishes to. Handlers are the @OnDomainEvent (in-app) and @OnDomainEventAt
 * (another destination) classes of the application, found once at boot; each event goes to the
 * handlers of one destination declared for its name. A publish succeeds only if every one of them
 * succeeds, otherwise the relay retries the event for that destination later, so handlers must be
 * idempotent (the event id and version make that easy).
 */
@Injectable()
export class OutboxEventBus implements OnModuleInit {
  /** destination → event name → handlers */
  private readonly handlers = new Map<OutboxDestination, Map<string, Registered[]>>();

  constructor(private readonly discovery: DiscoveryService) {}

  /** Every provider is instantiated before the first onModuleInit: all handlers exist by now. */
  onModuleInit(): void {
    const seen = new Set<DomainEventHandler>();
    const wrappers = this.discovery.getProviders({ metadataKey: DomainEventHandlerMarker.KEY });
    for (const wrapper of wrappers) {
      const instance: unknown = wrapper.instance;
      const name = String(wrapper.name);
      if (!isHandler(instance))
        throw new Error(`${name} is declared a handler but has no handle()`);
      if (seen.has(instance)) continue;
      seen.add(instance);
      const meta = this.discovery.getMetadataByDecorator(DomainEventHandlerMarker, wrapper);
      if (!meta || meta.events.length === 0) throw new Error(`${name} handles no event`);
      const byEvent = this.handlers.get(meta.destination) ?? new Map<string, Registered[]>();
      this.handlers.set(meta.destination, byEvent);
      for (const event of meta.events) {
        if (!isDeclaredDomainEvent(event)) {
          throw new Error(`${name} handles '${event}', which no module declares`);
        }
        const list = byEvent.get(event) ?? [];
        list.push({ name, handler: instance });
        byEvent.set(event, list);
      }
    }
  }

  /** The handler classes of an event, by name (what a reader would grep for). */
  handlersOf(type: string, destination: OutboxDestination = 'in-app'): string[] {
    return (this.handlers.get(destination)?.get(type) ?? []).map((h) => h.name);
  }

  /** Whether some handler delivers to this destination (RabbitMQ: only with RABBITMQ_URL). */
  hasDestination(destination: OutboxDestination): boolean {
    return this.handlers.has(destination);
  }

  /** False while a handler of the destination says it cannot deliver (broker disconnected). */
  available(destination: OutboxDestination): boolean {
    for (const list of this.handlers.get(destination)?.values() ?? []) {
      if (list.some(({ handler }) => handler.available?.() === false)) return false;
    }
    return true;
  }

  async publish(event: OutboxEvent, destination: OutboxDestination = 'in-app'): Promise<void> {
    const handlers = this.handlers.get(destination)?.get(event.type) ?? [];
    // The relay reads rows its own modules wrote: the type names the payload's shape.
    const typed = event as DomainEvent;
    const results = await Promise.allSettled(handlers.map((h) => h.handler.handle(typed)));
    const failed = results
      .map((r, i) =>
        r.status === 'rejected'
          ? `${handlers[i]?.name}: ${String((r.reason as Error)?.message ?? r.reason)}`
          : null,
      )
      .filter((m): m is string => m !== null);
    if (failed.length > 0) throw new Error(failed.join('; '));
  }
}
