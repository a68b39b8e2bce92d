import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import { CurrentUser } from '../../../common/auth/decorators';
import type { AuthUser } from '../../../common/auth/role';
import { uuidParam } from '../../../common/http/uuid-param.pipe';
import { ItemsService } from '../../items/items.service';
import { rooms, type ItemEventMessage, type ItemWithdrawnMessage } from '../realtime.contract';
import { RoomBus, type RoomMessage } from '../room-bus';
import { ItemChangeModel, type ItemChangeType } from './item-change.model';
import { roomSubscription } from './room-subscription';

/** The rooms a socket.io connection of this viewer joins by itself: their own, and admins'. */
const ownRooms = (viewer: AuthUser): string[] =>
  viewer.role === 'admin' ? [rooms.user(viewer.id), rooms.admins] : [rooms.user(viewer.id)];

function changeOf(message: RoomMessage): ItemChangeModel {
  const type = message.event.replace(/^item\./, '') as ItemChangeType;
  const body = message.message as ItemEventMessage | ItemWithdrawnMessage;
  const withdrawn = 'reason' in body;
  return {
    type,
    itemId: body.item.id,
    version: body.version,
    item: withdrawn ? null : body.item,
    reason: withdrawn ? body.reason : null,
  };
}

/**
 * GraphQL subscriptions over the realtime fan-out: the same broadcasts as the socket.io events
 * (audience, once-only and version order decided once, in ItemRealtimeHandler and RealtimeFanout),
 * received through the RoomBus and matched against the rooms the viewer would have joined.
 */
@Resolver()
export class ItemSubscriptionsResolver {
  constructor(
    private readonly items: ItemsService,
    private readonly bus: RoomBus,
  ) {}

  @Subscription(() => ItemChangeModel, {
    description: 'Changes of one item you may read (as items:subscribe); not_found otherwise.',
    resolve: (change: ItemChangeModel) => change,
  })
  async itemChanged(
    @CurrentUser() viewer: AuthUser,
    @Args('id', { type: () => ID }, uuidParam()) id: string,
  ): Promise<AsyncIterableIterator<ItemChangeModel>> {
    await this.items.get(viewer, id);
    return roomSubscription(this.bus, {
      rooms: [rooms.item(id), ...ownRooms(viewer)],
      map: (message) => {
        const change = changeOf(message);
        return change.itemId === id ? change : null;
      },
    });
  }

  @Subscription(() => ItemChangeModel, {
    description:
      'Changes of every item you may read (as feed:subscribe): published, yours, all for admins.',
    resolve: (change: ItemChangeModel) => change,
  })
  feed(@CurrentUser() viewer: AuthUser): AsyncIterableIterator<ItemChangeModel> {
    return roomSubscription(this.bus, { rooms: [rooms.feed, ...ownRooms(viewer)], map: changeOf });
  }
}
