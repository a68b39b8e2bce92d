import { ArgsType, Field } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { PageArgs } from '../../../common/graphql/page-args';
import { ItemFilterInput } from '../../items/graphql/item-filter.input';
import { MAX_SEARCH_QUERY_LENGTH } from '../dto/search-items-query.dto';

@ArgsType()
export class SearchItemsArgs extends PageArgs {
  @Field(() => String, {
    defaultValue: '',
    description: 'Words to find in titles and bodies; empty: every visible item, newest first.',
  })
  @IsString()
  @MaxLength(MAX_SEARCH_QUERY_LENGTH)
  query: string = '';

  @Field(() => ItemFilterInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ItemFilterInput)
  filter?: ItemFilterInput;
}
