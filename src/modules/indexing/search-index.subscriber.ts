import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { isItemEvent } from '../items/item.events';
import { OutboxEventBus } from '../outbox/outbox-event-bus';
import { SEARCH_INDEX, type SearchIndex } from '../search/search-index.port';
import { SEARCH_QUEUE, type SearchQueue } from './search-index.job';

/**
 * Feeds the search-index queue from the outbox: one job per item event. If the queue cannot take
 * it (Redis down), the error propagates and the outbox retries the event with backoff, so nothing is
 * lost and the item becomes searchable once Redis is back.
 */
@Injectable()
export class SearchIndexSubscriber implements OnModuleInit {
  constructor(
    private readonly bus: OutboxEventBus,
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @Inject(SEARCH_QUEUE) private readonly queue: SearchQueue,
  ) {}

  onModuleInit(): void {
    // The database driver reads the items table directly: a change is searchable once committed,
    // so there is nothing to enqueue.
    if (this.index.kind !== 'elasticsearch') return;
    this.bus.subscribe('search-index', async (event) => {
      if (!isItemEvent(event)) return;
      await this.queue.enqueue([{ itemId: event.aggregateId, version: event.version }]);
    });
  }
}
