import { registerEnumType } from '@nestjs/graphql';
import { ITEM_STATUSES, ItemStatus } from '../item-status';
import { ITEM_SORTS, ItemSort } from '../dto/list-items-query.dto';

/** The GraphQL enums of items, built from the same lists the REST DTOs validate against. */
export const ItemStatusEnum = Object.fromEntries(ITEM_STATUSES.map((s) => [s, s])) as {
  [K in ItemStatus]: K;
};
registerEnumType(ItemStatusEnum, { name: 'ItemStatus' });

export const ItemSortFieldEnum = Object.fromEntries(ITEM_SORTS.map((s) => [s, s])) as {
  [K in ItemSort]: K;
};
registerEnumType(ItemSortFieldEnum, { name: 'ItemSortField' });

export const SortDirectionEnum = { asc: 'asc', desc: 'desc' } as const;
registerEnumType(SortDirectionEnum, { name: 'SortDirection' });
