import { Field, Int, ObjectType } from '@nestjs/graphql';
import { PageInfo } from '../../../common/graphql/page-info.model';
import { SearchHitModel } from './search-hit.model';

@ObjectType('SearchConnection')
export class SearchConnection {
  @Field(() => [SearchHitModel])
  nodes!: SearchHitModel[];

  @Field(() => Int, { description: 'How many visible items match (all pages).' })
  total!: number;

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
