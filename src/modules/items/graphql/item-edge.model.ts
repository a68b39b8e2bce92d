import { Field, ObjectType } from '@nestjs/graphql';
import { ItemModel } from './item.model';

@ObjectType('ItemEdge')
export class ItemEdge {
  @Field(() => ItemModel)
  node!: ItemModel;

  @Field({ description: 'Pass as `after` (same filter and orderBy) to continue after this item.' })
  cursor!: string;
}
