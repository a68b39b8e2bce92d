import { declareDomainEvents } from '../outbox/domain-event-map';
import type { DomainEvent } from '../outbox/domain-event-map';
import type { ItemDto } from './dto/item.dto';
import type { ItemStatus } from './item-status';

/** The events the items module emits through the outbox. */
export const ITEM_EVENTS = declareDomainEvents([
  'item.created',
  'item.updated',
  'item.deleted',
  'item.restored',
] as const);
export type ItemEventType = (typeof ITEM_EVENTS)[number];

export interface ItemEventPayload {
  /** The item as REST returns it, after the change (for item.deleted: as it was when deleted). */
  item: ItemDto;
  /** The status before the change (null on create): lets subscribers see an unpublish. */
  previousStatus: ItemStatus | null;
}

declare module '../outbox/domain-event-map' {
  interface DomainEventMap {
    'item.created': ItemEventPayload;
    'item.updated': ItemEventPayload;
    'item.deleted': ItemEventPayload;
    'item.restored': ItemEventPayload;
  }
}

export type ItemEvent = DomainEvent<ItemEventType>;
