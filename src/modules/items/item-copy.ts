import type { ItemDto } from './dto/item.dto';

/**
 * Exactly the item DTO's fields of `source`, picked one by one so nothing else (an entity's
 * relations, a stored document's extra fields) ever leaks into a response or a search document.
 */
export function copyItem(source: ItemDto): ItemDto {
  return {
    id: source.id,
    ownerId: source.ownerId,
    title: source.title,
    body: source.body,
    tags: source.tags,
    status: source.status,
    version: source.version,
    createdAt: source.createdAt,
    updatedAt: source.updatedAt,
  };
}
