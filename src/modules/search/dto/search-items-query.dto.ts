import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ItemFilterQueryDto } from '../../items/dto/item-filter-query.dto';

export const MAX_SEARCH_QUERY_LENGTH = 256;

export class SearchItemsQueryDto extends ItemFilterQueryDto {
  /**
   * Words to find in titles and bodies (all of them; the last also as a prefix). Operators and
   * punctuation are ignored. Empty or left out: every visible item, newest first.
   */
  @ApiPropertyOptional({ type: String, default: '', maxLength: MAX_SEARCH_QUERY_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SEARCH_QUERY_LENGTH)
  q: string = '';
}
