import { Field, InputType } from '@nestjs/graphql';
import { PickType } from '@nestjs/swagger';
import { ItemSort, ListItemsQueryDto } from '../dto/list-items-query.dto';
import { ItemSortFieldEnum, SortDirectionEnum } from './item-status.enum';

/** `?sort=&order=` of GET /items; the cursor belongs to one order, as in REST. */
@InputType('ItemOrder')
export class ItemOrderInput extends PickType(ListItemsQueryDto, ['sort', 'order'] as const) {
  @Field(() => ItemSortFieldEnum, { defaultValue: 'createdAt' })
  override sort: ItemSort = 'createdAt';

  @Field(() => SortDirectionEnum, { defaultValue: 'desc' })
  override order: 'asc' | 'desc' = 'desc';
}
