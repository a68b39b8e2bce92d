import type { ItemDto } from './dto/item.dto';
import { copyItem } from './item-copy';
import type { ItemEntity } from './item.entity';

export function toItemDto(item: ItemEntity): ItemDto {
  return copyItem({
    ...item,
    createdAt: item.createdAt.toISOString(),
    updatedAt: item.updatedAt.toISOString(),
  });
}
