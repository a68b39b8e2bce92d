import { ApiProperty } from '@nestjs/swagger';
import { ITEM_STATUSES, ItemStatus } from '../item.entity';

export class ItemDto {
  id!: string;
  ownerId!: string;
  title!: string;
  body!: string;
  tags!: string[];
  @ApiProperty({ enum: ITEM_STATUSES })
  status!: ItemStatus;
  /** Bumped by every change; the ETag is derived from it. */
  version!: number;
  createdAt!: string;
  updatedAt!: string;
}

export class ItemPageDto {
  data!: ItemDto[];
  /** Pass as `cursor` (with the same sort and order) for the next page; null on the last page. */
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
