import { Field, ObjectType } from '@nestjs/graphql';
import { PageInfo } from '../../../common/graphql/page-info.model';
import { ItemModel } from './item.model';

@ObjectType('ItemConnection')
export class ItemConnection {
  @Field(() => [ItemModel])
  nodes!: ItemModel[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
