import type { OutboxEvent } from '../outbox/outbox.event';
import type { ItemDto } from './dto/item.dto';
import type { ItemStatus } from './item.entity';

/** The events the items module emits through the outbox. */
export const ITEM_EVENTS = [
  'item.created',
  'item.updated',
  'item.deleted',
  'item.restored',
] as const;
export type ItemEventType = (typeof ITEM_EVENTS)[number];

export interface ItemEventPayload {
  /** The item as REST returns it, after the change (for item.deleted: as it was when deleted). */
  item: ItemDto;
  /** The status before the change (null on create): lets subscribers see an unpublish. */
  previousStatus: ItemStatus | null;
}

export type ItemEvent = OutboxEvent<ItemEventPayload> & { type: ItemEventType };

export function isItemEvent(event: OutboxEvent): event is ItemEvent {
  return (ITEM_EVENTS as readonly string[]).includes(event.type);
}
