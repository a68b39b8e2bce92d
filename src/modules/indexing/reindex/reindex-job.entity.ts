import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ReindexPhase, ReindexStatus } from './reindex-job.states';

/** The value of `activeSlot` while a job is queued or running; null once it has ended. */
export const ACTIVE_SLOT = 'active';

/**
 * One full reindex (POST /admin/search/reindex). The unique `activeSlot` admits one unfinished job
 * at a time, across every process; `heartbeatAt` tells a running job from one whose process died.
 */
@Entity('search_reindex_jobs')
@Index('UQ_search_reindex_jobs_active', ['activeSlot'], { unique: true })
@Index('IDX_search_reindex_jobs_created', ['createdAt', 'id'])
export class ReindexJobEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: ReindexStatus;

  @Column({ type: 'varchar', length: 16 })
  phase!: ReindexPhase;

  @Column({ type: 'varchar', length: 16 })
  driver!: 'database' | 'elasticsearch';

  @Column({ type: 'varchar', length: 255, nullable: true })
  sourceIndex!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  targetIndex!: string | null;

  /** Items to copy (counted when copying starts). */
  @Column({ type: 'integer' })
  total!: number;

  /** Items copied so far. */
  @Column({ type: 'integer' })
  processed!: number;

  /** Changes made while the copy ran, re-applied to the new generation. */
  @Column({ type: 'integer' })
  reapplied!: number;

  /** Documents the index refused for good (logged; they are not retried). */
  @Column({ type: 'integer' })
  rejected!: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  activeSlot!: string | null;

  @Column({ type: 'varchar', length: 36 })
  requestedBy!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  owner!: string | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  heartbeatAt!: Date | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  startedAt!: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;
}
