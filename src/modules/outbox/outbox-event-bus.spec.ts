import { Injectable, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { ITEM_EVENTS, type ItemEvent } from '../items/item.events';
import { type DomainEventHandler, OnDomainEvent } from './domain-event-handler';
import type { DomainEventName } from './domain-event-map';
import { OutboxEventBus } from './outbox-event-bus';
import type { OutboxEvent } from './outbox.event';

@Injectable()
@OnDomainEvent(...ITEM_EVENTS)
class EveryItemEvent implements DomainEventHandler<ItemEvent['type']> {
  readonly seen: string[] = [];
  handle(event: ItemEvent): Promise<void> {
    this.seen.push(event.type);
    return Promise.resolve();
  }
}

@Injectable()
@OnDomainEvent('item.deleted')
class DeletionsOnly implements DomainEventHandler<'item.deleted'> {
  readonly seen: string[] = [];
  down = false;
  handle(event: ItemEvent): Promise<void> {
    if (this.down) return Promise.reject(new Error('down'));
    this.seen.push(event.type);
    return Promise.resolve();
  }
}

@Injectable()
@OnDomainEvent('user.teleported' as DomainEventName)
class UndeclaredEvent implements DomainEventHandler {
  handle(): Promise<void> {
    return Promise.resolve();
  }
}

const event = (type: string): OutboxEvent => ({
  id: `${type}-1`,
  type,
  aggregateId: 'a',
  version: 1,
  payload: {},
  occurredAt: new Date(0),
});

async function busWith(...handlers: Type[]) {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [OutboxEventBus, ...handlers],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe('OutboxEventBus', () => {
  it('hands each event to the handlers declared for its name, and to no other', async () => {
    const app = await busWith(EveryItemEvent, DeletionsOnly);
    const bus = app.get(OutboxEventBus);
    expect(bus.handlersOf('item.deleted')).toEqual(['EveryItemEvent', 'DeletionsOnly']);
    expect(bus.handlersOf('item.updated')).toEqual(['EveryItemEvent']);

    await bus.publish(event('item.updated'));
    await bus.publish(event('item.deleted'));
    await bus.publish(event('something.else'));

    expect(app.get(EveryItemEvent).seen).toEqual(['item.updated', 'item.deleted']);
    expect(app.get(DeletionsOnly).seen).toEqual(['item.deleted']);
    await app.close();
  });

  it('fails the publish, naming the handler, when one handler fails (the others still run)', async () => {
    const app = await busWith(EveryItemEvent, DeletionsOnly);
    app.get(DeletionsOnly).down = true;

    await expect(app.get(OutboxEventBus).publish(event('item.deleted'))).rejects.toThrow(
      'DeletionsOnly: down',
    );
    expect(app.get(EveryItemEvent).seen).toEqual(['item.deleted']);
    await app.close();
  });

  it('refuses to boot with a handler of an event no module declares', async () => {
    await expect(busWith(EveryItemEvent, UndeclaredEvent)).rejects.toThrow(
      "UndeclaredEvent handles 'user.teleported', which no module declares",
    );
  });
});
