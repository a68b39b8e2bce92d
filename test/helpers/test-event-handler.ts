import { Injectable } from '@nestjs/common';
import { ITEM_EVENTS, type ItemEvent } from '../../src/modules/items/item.events';
import {
  type DomainEventHandler,
  OnDomainEvent,
} from '../../src/modules/outbox/domain-event-handler';

/**
 * A handler of every item event that a test drives: the outbox bus delivers to `listener` beside
 * the application's own handlers, and a rejection makes the relay retry the whole event. Add it
 * with `startAppWith(env, { add: [TestEventHandler] })` (or a testing module's providers), then set
 * `app.get(TestEventHandler).listener`.
 */
@Injectable()
@OnDomainEvent(...ITEM_EVENTS)
export class TestEventHandler implements DomainEventHandler<ItemEvent['type']> {
  listener: (event: ItemEvent) => Promise<void> = () => Promise.resolve();

  handle(event: ItemEvent): Promise<void> {
    return this.listener(event);
  }
}
