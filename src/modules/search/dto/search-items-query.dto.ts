import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page-query.dto';
import { ITEM_STATUSES, ItemStatus } from '../../items/item.entity';

export const MAX_SEARCH_QUERY_LENGTH = 256;

export class SearchItemsQueryDto extends PageQueryDto {
  /**
   * Words to find in titles and bodies (all of them; the last also as a prefix). Operators and
   * punctuation are ignored. Empty: every visible item, newest first.
   */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SEARCH_QUERY_LENGTH)
  q: string = '';

  /** Only items of this owner. */
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ enum: ITEM_STATUSES })
  @IsOptional()
  @IsIn(ITEM_STATUSES)
  status?: ItemStatus;

  /** Only items carrying this tag (compared lower-case). */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  tag?: string;
}
