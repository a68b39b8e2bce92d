import type { ItemDto } from './dto/item.dto';
import type { ItemEntity } from './item.entity';

export function toItemDto(item: ItemEntity): ItemDto {
  return {
    id: item.id,
    ownerId: item.ownerId,
    title: item.title,
    body: item.body,
    tags: item.tags,
    status: item.status,
    version: item.version,
    createdAt: item.createdAt.toISOString(),
    updatedAt: item.updatedAt.toISOString(),
  };
}
