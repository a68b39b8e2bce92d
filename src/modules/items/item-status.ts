/** An item's lifecycle state; only `published` items are readable beyond their owner and admins. */
export const ITEM_STATUSES = ['draft', 'published', 'archived'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
