import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, type Repository } from 'typeorm';
import { TransactionRunner } from '../../../database/transaction-runner';
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

/** Reindex jobs (every write goes through the runner; the items come from ItemsReadService). */
@Injectable()
export class ReindexRepository {
  private readonly jobs: Repository<ReindexJobEntity>;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly tx: TransactionRunner,
  ) {
    this.jobs = dataSource.getRepository(ReindexJobEntity);
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
}
