import { Field, ObjectType } from '@nestjs/graphql';
import type { SearchHighlightsDto } from '../dto/search-hit.dto';

@ObjectType('SearchHighlights')
export class SearchHighlightsModel implements SearchHighlightsDto {
  @Field(() => [String], {
    nullable: true,
    description: 'The title, HTML-escaped, matched words in <em></em>; null when it did not match.',
  })
  title?: string[];

  @Field(() => [String], { nullable: true, description: 'Body fragments around matches.' })
  body?: string[];
}
