import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ItemFilterQueryDto } from './item-filter-query.dto';

export const ITEM_SORTS = ['createdAt', 'updatedAt', 'title'] as const;
export type ItemSort = (typeof ITEM_SORTS)[number];

export class ListItemsQueryDto extends ItemFilterQueryDto {
  @ApiPropertyOptional({ enum: ITEM_SORTS, default: 'createdAt' })
  @IsOptional()
  @IsIn(ITEM_SORTS)
  sort: ItemSort = 'createdAt';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order: 'asc' | 'desc' = 'desc';
}
