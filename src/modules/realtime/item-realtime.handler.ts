import { Injectable } from '@nestjs/common';
import { ITEM_EVENTS, type ItemEvent } from '../items/item.events';
import { type DomainEventHandler, OnDomainEvent } from '../outbox/domain-event-handler';
import { DeliveryLedger } from './delivery-ledger';
import { RealtimeFanout } from './realtime-fanout';

/**
 * Sends item events to the sockets allowed to see them (RealtimeFanout), each version once: the
 * ledger drops redeliveries and events overtaken by a newer version of the same item. A version is
 * recorded only once emitted, so a failure before the emit never loses it (a failure to record
 * after it can, rarely, send that version twice: at least once, never lost).
 */
@Injectable()
@OnDomainEvent(...ITEM_EVENTS)
export class ItemRealtimeHandler implements DomainEventHandler<ItemEvent['type']> {
  constructor(
    private readonly fanout: RealtimeFanout,
    private readonly ledger: DeliveryLedger,
  ) {}

  async handle(event: ItemEvent): Promise<void> {
    if (!this.fanout.canBroadcast()) return;
    if (!(await this.ledger.isNew(event.aggregateId, event.version))) return;
    this.fanout.emit(event);
    await this.ledger.record(event.aggregateId, event.version);
  }
}
