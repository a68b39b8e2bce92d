import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, IsNull, MoreThan, Repository } from 'typeorm';
import { cursorField, decodeCursor, encodeCursor, Page } from '../../common/pagination/cursor';
import { InvalidCursor } from '../../common/errors/app-error';
import type { ItemSort } from './dto/list-items-query.dto';
import { ItemTagEntity } from './item-tag.entity';
import { itemColumns, namedParameters, type Viewer, visibleItemsSql } from './item-visibility';
import { ItemEntity, ItemStatus } from './item.entity';

export interface ItemPageQuery {
  viewer: Viewer;
  limit: number;
  cursor?: string;
  ownerId?: string;
  status?: ItemStatus;
  tag?: string;
  sort: ItemSort;
  order: 'asc' | 'desc';
}

const SORT_COLUMN: Record<ItemSort, 'createdAt' | 'updatedAt' | 'title'> = {
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
  title: 'title',
};

/** An item's sort key as a cursor holds it (instants as ISO strings, as the DTO has them). */
export interface ItemSortKey {
  id: string;
  title: string;
  createdAt: Date | string;
  updatedAt: Date | string;
}

function sortValue(item: ItemSortKey, sort: ItemSort): string {
  const instant = (value: Date | string): string =>
    typeof value === 'string' ? value : value.toISOString();
  switch (sort) {
    case 'title':
      return item.title;
    case 'createdAt':
      return instant(item.createdAt);
    case 'updatedAt':
      return instant(item.updatedAt);
  }
}

/** The cursor of the page that starts after `item`, in this sort and order (GraphQL edges). */
export function itemCursor(item: ItemSortKey, sort: ItemSort, order: 'asc' | 'desc'): string {
  return encodeCursor([sort, order, sortValue(item, sort), item.id]);
}

@Injectable()
export class ItemsRepository {
  constructor(@InjectRepository(ItemEntity) private readonly repo: Repository<ItemEntity>) {}

  findLiveById(id: string, manager?: EntityManager): Promise<ItemEntity | null> {
    return (manager ?? this.repo.manager).findOneBy(ItemEntity, { id, deletedAt: IsNull() });
  }

  findAnyById(id: string): Promise<ItemEntity | null> {
    return this.repo.findOneBy({ id });
  }

  async insert(manager: EntityManager, item: ItemEntity): Promise<void> {
    await manager.insert(ItemEntity, item);
    await this.insertTags(manager, item.id, item.tags);
  }

  /**
   * Applies a change only if the row is still at `expectedVersion` (optimistic concurrency): of two
   * writers holding the same version, exactly one updates the row.
   */
  async updateIfVersion(
    manager: EntityManager,
    id: string,
    expectedVersion: number,
    changes: Partial<
      Pick<ItemEntity, 'title' | 'body' | 'tags' | 'status' | 'deletedAt' | 'version' | 'updatedAt'>
    >,
  ): Promise<boolean> {
    const result = await manager.update(ItemEntity, { id, version: expectedVersion }, changes);
    return (result.affected ?? 0) === 1;
  }

  async replaceTags(manager: EntityManager, itemId: string, tags: string[]): Promise<void> {
    await manager.delete(ItemTagEntity, { itemId });
    await this.insertTags(manager, itemId, tags);
  }

  /**
   * A keyset page of the items the viewer may read, ordered by (sort column, id). The visibility rule
   * is part of the query, so filters can never reveal someone else's draft.
   */
  async pageVisible(query: ItemPageQuery): Promise<Page<ItemEntity>> {
    const column = `i.${SORT_COLUMN[query.sort]}`;
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const visible = namedParameters(visibleItemsSql(query.viewer, itemColumns('i')), 'visibility');
    const qb = this.repo
      .createQueryBuilder('i')
      .where(visible.sql, visible.params)
      .orderBy(column, direction)
      .addOrderBy('i.id', direction)
      .take(query.limit + 1);

    if (query.ownerId) qb.andWhere('i.ownerId = :ownerId', { ownerId: query.ownerId });
    if (query.status) qb.andWhere('i.status = :status', { status: query.status });
    if (query.tag) {
      qb.innerJoin(ItemTagEntity, 't', 't.itemId = i.id AND t.tag = :tag', { tag: query.tag });
    }
    if (query.cursor) {
      const [sort, order, value, id] = decodeCursor(query.cursor, [
        cursorField.text,
        cursorField.text,
        query.sort === 'title' ? cursorField.text : cursorField.instant,
        cursorField.uuid,
      ]);
      if (sort !== query.sort || order !== query.order) throw new InvalidCursor();
      const after = query.sort === 'title' ? String(value) : new Date(String(value));
      const op = query.order === 'asc' ? '>' : '<';
      qb.andWhere(`(${column} ${op} :after OR (${column} = :after AND i.id ${op} :afterId))`, {
        after,
        afterId: id,
      });
    }

    const rows = await qb.getMany();
    const data = rows.slice(0, query.limit);
    const last = data[data.length - 1];
    const nextCursor =
      rows.length > query.limit && last ? itemCursor(last, query.sort, query.order) : null;
    return { data, nextCursor };
  }

  /** The current rows of `ids`, deleted ones included (deletedAt is a plain column). */
  findAnyByIds(ids: string[]): Promise<ItemEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.repo.findBy({ id: In(ids) });
  }

  countLive(): Promise<number> {
    return this.repo.countBy({ deletedAt: IsNull() });
  }

  /** Live items after `afterId` ('' for the first page), in id order. */
  pageLiveAfter(afterId: string, limit: number): Promise<ItemEntity[]> {
    return this.repo.find({
      where:
        afterId === '' ? { deletedAt: IsNull() } : { deletedAt: IsNull(), id: MoreThan(afterId) },
      order: { id: 'ASC' },
      take: limit,
    });
  }

  /**
   * Every item changed in [since, until), deleted ones included, after a (time, id) position, in
   * (updatedAt, id) order.
   */
  pageChangedBetween(query: {
    since: Date;
    until: Date;
    after: { at: Date; id: string } | null;
    limit: number;
  }): Promise<ItemEntity[]> {
    const qb = this.repo
      .createQueryBuilder('i')
      .where('i.updatedAt >= :since AND i.updatedAt < :until', {
        since: query.since,
        until: query.until,
      })
      .orderBy('i.updatedAt', 'ASC')
      .addOrderBy('i.id', 'ASC')
      .limit(query.limit);
    if (query.after) {
      qb.andWhere('(i.updatedAt > :at OR (i.updatedAt = :at AND i.id > :id))', query.after);
    }
    return qb.getMany();
  }

  private async insertTags(manager: EntityManager, itemId: string, tags: string[]): Promise<void> {
    if (tags.length === 0) return;
    await manager.insert(
      ItemTagEntity,
      tags.map((tag) => ({ itemId, tag })),
    );
  }
}
