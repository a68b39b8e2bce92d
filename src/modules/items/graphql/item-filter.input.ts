import { Field, ID, InputType } from '@nestjs/graphql';
import { PickType } from '@nestjs/swagger';
import { ItemFilterQueryDto } from '../dto/item-filter-query.dto';
import type { ItemStatus } from '../item-status';
import { ItemStatusEnum } from './item-status.enum';

/** The filters of GET /items and GET /search/items, with their validation rules. */
@InputType('ItemFilter')
export class ItemFilterInput extends PickType(ItemFilterQueryDto, [
  'ownerId',
  'status',
  'tag',
] as const) {
  @Field(() => ID, { nullable: true })
  override ownerId?: string;

  @Field(() => ItemStatusEnum, { nullable: true })
  override status?: ItemStatus;

  @Field(() => String, { nullable: true })
  override tag?: string;
}
