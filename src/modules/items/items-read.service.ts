import { Injectable } from '@nestjs/common';
import type { ItemDto } from './dto/item.dto';
import type { ItemEntity } from './item.entity';
import { toItemDto } from './item.mapper';
import { ItemsRepository } from './items.repository';

/** An item as it is now, deleted or not: what a search index stores (or removes) for it. */
export interface ItemSnapshot {
  item: ItemDto;
  deleted: boolean;
}

const snapshotOf = (row: ItemEntity): ItemSnapshot => ({
  item: toItemDto(row),
  deleted: row.deletedAt !== null,
});

/**
 * Reads of items for other modules (search, indexing), as DTOs: none of them sees the entity.
 * Visibility is not applied here; readers that answer a viewer filter with item-visibility's forms.
 */
@Injectable()
export class ItemsReadService {
  constructor(private readonly items: ItemsRepository) {}

  /** The current state of each existing item of `ids` (deleted ones included), in no order. */
  async snapshots(ids: string[]): Promise<ItemSnapshot[]> {
    return (await this.items.findAnyByIds(ids)).map(snapshotOf);
  }

  /** The live (not deleted) items among `ids`, by id. */
  async liveByIds(ids: string[]): Promise<Map<string, ItemDto>> {
    const rows = await this.items.findAnyByIds(ids);
    return new Map(rows.filter((r) => r.deletedAt === null).map((r) => [r.id, toItemDto(r)]));
  }

  countLive(): Promise<number> {
    return this.items.countLive();
  }

  /** Live items after `afterId` ('' for the first page), in id order. */
  async liveAfter(afterId: string, limit: number): Promise<ItemSnapshot[]> {
    return (await this.items.pageLiveAfter(afterId, limit)).map(snapshotOf);
  }

  /**
   * Every item changed in [since, until), deleted ones included, after a (time, id) position, in
   * (updatedAt, id) order. The upper bound keeps a scan finite while writes go on.
   */
  async changedBetween(query: {
    since: Date;
    until: Date;
    after: { at: Date; id: string } | null;
    limit: number;
  }): Promise<ItemSnapshot[]> {
    return (await this.items.pageChangedBetween(query)).map(snapshotOf);
  }
}
