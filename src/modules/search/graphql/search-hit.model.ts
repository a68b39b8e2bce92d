import { Field, Float, ObjectType } from '@nestjs/graphql';
import { ItemModel } from '../../items/graphql/item.model';
import type { SearchHitDto } from '../dto/search-hit.dto';
import { SearchHighlightsModel } from './search-highlights.model';

@ObjectType('SearchHit')
export class SearchHitModel implements SearchHitDto {
  @Field(() => ItemModel)
  item!: ItemModel;

  @Field(() => Float, { description: 'Relevance; only comparable within one result list.' })
  score!: number;

  @Field(() => SearchHighlightsModel)
  highlights!: SearchHighlightsModel;
}
