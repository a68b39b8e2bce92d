import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { isItemEvent, ItemEvent } from '../items/item.events';
import { OutboxEventBus } from '../outbox/outbox-event-bus';
import type { OutboxEvent } from '../outbox/outbox.event';
import { DeliveryLedger } from './delivery-ledger';
import { ItemEventMessage, ItemWithdrawnMessage, rooms } from './realtime.contract';
import { RealtimeServer } from './realtime-server';

/**
 * Turns outbox item events into socket.io emits. Each event is one broadcast to a union of rooms
 * (socket.io sends it once per socket however many of the rooms it joined), and every room in the
 * union may read the item:
 * - published: the item's room, the feed, the owner and the admins;
 * - otherwise: the owner and the admins only. If it was published before the change (unpublish),
 *   the item's room and the feed, minus the owner and admins, get `item.deleted` with the id only.
 * Through the Redis adapter the broadcast reaches sockets on every process; only the process whose
 * relay dispatched the outbox row emits it. A worker process has no socket.io server: it emits
 * through the Redis emitter, which the API processes' adapters receive the same way.
 */
@Injectable()
export class RealtimeFanout implements OnModuleInit {
  private readonly logger = new Logger(RealtimeFanout.name);

  constructor(
    private readonly bus: OutboxEventBus,
    private readonly server: RealtimeServer,
    private readonly ledger: DeliveryLedger,
  ) {}

  onModuleInit(): void {
    this.bus.subscribe('realtime', (event) => this.handle(event));
  }

  async handle(event: OutboxEvent): Promise<void> {
    if (!isItemEvent(event)) return;
    if (!this.server.broadcaster()) return;
    if (!(await this.ledger.advance(event.aggregateId, event.version))) return;
    this.emit(event);
  }

  private emit(event: ItemEvent): void {
    const ns = this.server.broadcaster();
    if (!ns) return;
    const { item, previousStatus } = event.payload;
    const privileged = [rooms.user(item.ownerId), rooms.admins];
    const message: ItemEventMessage = { item, version: event.version };
    if (item.status === 'published') {
      ns.to([rooms.item(item.id), rooms.feed, ...privileged]).emit(event.type, message);
    } else {
      ns.to(privileged).emit(event.type, message);
      if (previousStatus === 'published') {
        const withdrawn: ItemWithdrawnMessage = {
          item: { id: item.id },
          version: event.version,
          reason: 'unpublished',
        };
        ns.to([rooms.item(item.id), rooms.feed])
          .except(privileged)
          .emit('item.deleted', withdrawn);
      }
    }
    this.logger.debug({ event: 'realtime.fanout', type: event.type, itemId: item.id });
  }
}
