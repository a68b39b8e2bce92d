import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { ItemEntity } from '../items/item.entity';

/** What the indexer reads: the current rows, soft-deleted ones included. */
@Injectable()
export class SearchItemsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByIds(ids: string[]): Promise<ItemEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    // deletedAt is a plain column (not @DeleteDateColumn), so soft-deleted rows are returned too.
    return this.dataSource.getRepository(ItemEntity).find({ where: { id: In(ids) } });
  }
}
