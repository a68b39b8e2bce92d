import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '../../../common/graphql/date-time.scalar';
import type { ItemDto } from '../dto/item.dto';
import type { ItemStatus } from '../item-status';
import { ItemStatusEnum } from './item-status.enum';

/** An item as GraphQL serves it: the REST ItemDto field for field (plus `owner`, resolved). */
@ObjectType('Item')
export class ItemModel implements ItemDto {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  ownerId!: string;

  @Field()
  title!: string;

  @Field()
  body!: string;

  @Field(() => [String])
  tags!: string[];

  @Field(() => ItemStatusEnum)
  status!: ItemStatus;

  @Field(() => Int, { description: 'Bumped by every change; pass as expectedVersion.' })
  version!: number;

  @Field(() => DateTimeScalar)
  createdAt!: string;

  @Field(() => DateTimeScalar)
  updatedAt!: string;
}
