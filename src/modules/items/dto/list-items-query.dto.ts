import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page-query.dto';
import { ITEM_STATUSES, ItemStatus } from '../item.entity';

export const ITEM_SORTS = ['createdAt', 'updatedAt', 'title'] as const;
export type ItemSort = (typeof ITEM_SORTS)[number];

export class ListItemsQueryDto extends PageQueryDto {
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

  @ApiPropertyOptional({ enum: ITEM_SORTS, default: 'createdAt' })
  @IsOptional()
  @IsIn(ITEM_SORTS)
  sort: ItemSort = 'createdAt';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order: 'asc' | 'desc' = 'desc';
}
