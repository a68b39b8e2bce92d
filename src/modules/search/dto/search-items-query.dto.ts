import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ItemFilterQueryDto } from '../../items/dto/item-filter-query.dto';

export const MAX_SEARCH_QUERY_LENGTH = 256;

export class SearchItemsQueryDto extends ItemFilterQueryDto {
  /**
   * Words to find in titles and bodies (all of them; the last also as a prefix). Operators and
   * punctuation are ignored. Empty: every visible item, newest first.
   */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SEARCH_QUERY_LENGTH)
  q: string = '';
}
