import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { ItemDto } from '../../items/dto/item.dto';
import { ItemModel } from '../../items/graphql/item.model';

export const ItemChangeTypeEnum = {
  created: 'created',
  updated: 'updated',
  deleted: 'deleted',
  restored: 'restored',
} as const;
export type ItemChangeType = keyof typeof ItemChangeTypeEnum;
registerEnumType(ItemChangeTypeEnum, { name: 'ItemChangeType' });

/**
 * One item event, as the socket.io `item.*` events carry it: the item at `version`, or, when an
 * item the subscriber could read was unpublished, only its id (`item` null, reason `unpublished`).
 */
@ObjectType('ItemChange')
export class ItemChangeModel {
  @Field(() => ItemChangeTypeEnum)
  type!: ItemChangeType;

  @Field(() => ID)
  itemId!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => ItemModel, { nullable: true })
  item!: ItemDto | null;

  @Field(() => String, {
    nullable: true,
    description: '`unpublished` when the item was withdrawn.',
  })
  reason!: 'unpublished' | null;
}
