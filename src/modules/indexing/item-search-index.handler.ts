import { Inject, Injectable } from '@nestjs/common';
import { ITEM_EVENTS, type ItemEvent } from '../items/item.events';
import { type DomainEventHandler, OnDomainEvent } from '../outbox/domain-event-handler';
import { SEARCH_INDEX, type SearchIndex } from '../search/search-index.port';
import { SEARCH_QUEUE, type SearchQueue } from './search-index.job';

/**
 * Feeds the search-index queue from the outbox: one job per item event. If the queue cannot take
 * it (Redis down), the error propagates and the outbox retries the event with backoff, so nothing is
 * lost and the item becomes searchable once Redis is back.
 */
@Injectable()
@OnDomainEvent(...ITEM_EVENTS)
export class ItemSearchIndexHandler implements DomainEventHandler<ItemEvent['type']> {
  constructor(
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @Inject(SEARCH_QUEUE) private readonly queue: SearchQueue,
  ) {}

  async handle(event: ItemEvent): Promise<void> {
    // The database driver reads the items table directly: a change is searchable once committed,
    // so there is nothing to enqueue.
    if (this.index.kind !== 'elasticsearch') return;
    await this.queue.enqueue([{ itemId: event.aggregateId, version: event.version }]);
  }
}
