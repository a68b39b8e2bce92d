import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, LessThan, MoreThan, type Repository } from 'typeorm';
import { TransactionRunner } from '../../../database/transaction-runner';
import { ItemEntity } from '../../items/item.entity';
import { ACTIVE_SLOT, ReindexJobEntity } from './reindex-job.entity';

export type ReindexJobPatch = Partial<
  Pick<
    ReindexJobEntity,
    | 'status'
    | 'phase'
    | 'sourceIndex'
    | 'targetIndex'
    | 'total'
    | 'processed'
    | 'reapplied'
    | 'rejected'
    | 'error'
    | 'activeSlot'
    | 'owner'
    | 'heartbeatAt'
    | 'startedAt'
    | 'finishedAt'
  >
>;

/** Reindex jobs, and the item scans a reindex reads (every write goes through the runner). */
@Injectable()
export class ReindexRepository {
  private readonly jobs: Repository<ReindexJobEntity>;
  private readonly items: Repository<ItemEntity>;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly tx: TransactionRunner,
  ) {
    this.jobs = dataSource.getRepository(ReindexJobEntity);
    this.items = dataSource.getRepository(ItemEntity);
  }

  /** Inserts a queued job; a unique violation on activeSlot means one is already unfinished. */
  async insert(job: ReindexJobEntity): Promise<void> {
    await this.tx.run((m) => m.insert(ReindexJobEntity, job));
  }

  findById(id: string): Promise<ReindexJobEntity | null> {
    return this.jobs.findOneBy({ id });
  }

  findActive(): Promise<ReindexJobEntity | null> {
    return this.jobs.findOneBy({ activeSlot: ACTIVE_SLOT });
  }

  /** Takes a queued job for `owner`; false when another process took it first. */
  async claim(id: string, owner: string, now: Date): Promise<boolean> {
    const result = await this.tx.run((m) =>
      m.update(
        ReindexJobEntity,
        { id, status: 'queued' },
        { status: 'running', owner, heartbeatAt: now, startedAt: now, phase: 'preparing' },
      ),
    );
    return (result.affected ?? 0) === 1;
  }

  /** Updates a job this process owns; false when it no longer does (declared abandoned). */
  async update(id: string, owner: string, patch: ReindexJobPatch): Promise<boolean> {
    const result = await this.tx.run((m) =>
      m.update(ReindexJobEntity, { id, owner, status: 'running' }, patch),
    );
    return (result.affected ?? 0) === 1;
  }

  /** Ends running jobs whose process has not reported since `before` (it died). */
  async failAbandoned(before: Date, now: Date): Promise<number> {
    const result = await this.tx.run((m) =>
      m.update(
        ReindexJobEntity,
        { status: 'running', heartbeatAt: LessThan(before) },
        {
          status: 'failed',
          activeSlot: null,
          finishedAt: now,
          error: 'abandoned: the process running it stopped reporting progress',
        },
      ),
    );
    return result.affected ?? 0;
  }

  countItems(): Promise<number> {
    return this.items.countBy({ deletedAt: IsNull() });
  }

  /** Live items after `afterId`, in id order (the copy). */
  liveItemsAfter(afterId: string, limit: number): Promise<ItemEntity[]> {
    return this.items.find({
      where:
        afterId === '' ? { deletedAt: IsNull() } : { deletedAt: IsNull(), id: MoreThan(afterId) },
      order: { id: 'ASC' },
      take: limit,
    });
  }

  /**
   * Every item changed in [since, until), deleted ones included, after a (time, id) position. The
   * upper bound keeps a pass finite while writes go on: later changes are the next pass's.
   */
  changedBetween(
    since: Date,
    until: Date,
    after: { at: Date; id: string } | null,
    limit: number,
  ): Promise<ItemEntity[]> {
    const query = this.items
      .createQueryBuilder('i')
      .where('i.updatedAt >= :since AND i.updatedAt < :until', { since, until })
      .orderBy('i.updatedAt', 'ASC')
      .addOrderBy('i.id', 'ASC')
      .limit(limit);
    if (after) {
      query.andWhere('(i.updatedAt > :at OR (i.updatedAt = :at AND i.id > :id))', after);
    }
    return query.getMany();
  }
}
