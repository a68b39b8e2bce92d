import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page-query.dto';
import { ITEM_STATUSES, ItemStatus } from '../item.entity';

/** Paging plus the item filters shared by GET /items and GET /search/items. */
export class ItemFilterQueryDto extends PageQueryDto {
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
  // Stored tags never hold control characters, and MariaDB's unicode collation ignores some (a
  // NUL-prefixed tag would match the tag without it): such a filter is invalid, not a near match.
  @Matches(/^[^\p{Cc}]*$/u, { message: 'tag must not contain control characters' })
  tag?: string;
}
