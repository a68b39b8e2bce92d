import { Injectable, Logger } from '@nestjs/common';
import type { ItemEvent } from '../items/item.events';
import { itemEventAudience } from '../items/item-visibility';
import { ItemEventMessage, ItemWithdrawnMessage, rooms } from './realtime.contract';
import { RealtimeServer } from './realtime-server';
import { RoomBus, type RoomMessage } from './room-bus';

/** The broadcasts one item event makes: to its audience, and the withdrawal on unpublish. */
function broadcastsOf(event: ItemEvent): RoomMessage[] {
  const { item, previousStatus } = event.payload;
  const audience = itemEventAudience(item);
  const privileged = [rooms.user(audience.ownerId), rooms.admins];
  const message: ItemEventMessage = { item, version: event.version };
  if (audience.everyone) {
    const everyone = [rooms.item(item.id), rooms.feed, ...privileged];
    return [{ rooms: everyone, except: [], event: event.type, message }];
  }
  const broadcasts: RoomMessage[] = [{ rooms: privileged, except: [], event: event.type, message }];
  const before = previousStatus && itemEventAudience({ ...item, status: previousStatus });
  if (before && before.everyone) {
    const withdrawn: ItemWithdrawnMessage = {
      item: { id: item.id },
      version: event.version,
      reason: 'unpublished',
    };
    broadcasts.push({
      rooms: [rooms.item(item.id), rooms.feed],
      except: privileged,
      event: 'item.deleted',
      message: withdrawn,
    });
  }
  return broadcasts;
}

/**
 * Turns item events (from ItemRealtimeHandler) into socket.io emits, to the rooms of the item's audience (items'
 * itemEventAudience). Each event is one broadcast to a union of rooms (socket.io sends it once per
 * socket however many of the rooms it joined), and every room in the union may read the item:
 * - everyone (published): the item's room, the feed, the owner and the admins;
 * - otherwise: the owner and the admins only. If everyone could read it before the change
 *   (unpublish), the item's room and the feed, minus the owner and admins, get `item.deleted`
 *   with the id only.
 * Each broadcast also goes to the RoomBus, where GraphQL subscriptions match it against the rooms
 * they stand for. Through the Redis adapter the broadcast reaches sockets on every process; only
 * the process whose relay dispatched the outbox row emits it. A worker process has no socket.io
 * server: it emits through the Redis emitter, which the API processes' adapters receive the same
 * way (and publishes to the RoomBus on Redis, which every API process listens to).
 */
@Injectable()
export class RealtimeFanout {
  private readonly logger = new Logger(RealtimeFanout.name);

  constructor(
    private readonly server: RealtimeServer,
    private readonly bus: RoomBus,
  ) {}

  /** False when this process cannot broadcast (no socket.io server or emitter yet). */
  canBroadcast(): boolean {
    return this.server.broadcaster() !== null;
  }

  emit(event: ItemEvent): void {
    const ns = this.server.broadcaster();
    if (!ns) return;
    for (const broadcast of broadcastsOf(event)) {
      const to = ns.to(broadcast.rooms);
      (broadcast.except.length > 0 ? to.except(broadcast.except) : to).emit(
        broadcast.event,
        broadcast.message,
      );
      this.bus.publish(broadcast);
    }
    this.logger.debug({ event: 'realtime.fanout', type: event.type, itemId: event.aggregateId });
  }
}
