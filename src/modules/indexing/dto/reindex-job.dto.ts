import { ApiProperty } from '@nestjs/swagger';
import {
  REINDEX_PHASES,
  REINDEX_STATUSES,
  type ReindexPhase,
  type ReindexStatus,
} from '../reindex/reindex-job.states';

/** A full reindex and its progress. */
export class ReindexJobDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: REINDEX_STATUSES })
  status!: ReindexStatus;

  /** queued → preparing → copying → catching_up → publishing → done. */
  @ApiProperty({ enum: REINDEX_PHASES })
  phase!: ReindexPhase;

  @ApiProperty({ enum: ['database', 'elasticsearch'] })
  driver!: 'database' | 'elasticsearch';

  /** The physical index being replaced (Elasticsearch), e.g. items_v1. */
  @ApiProperty({ type: String, nullable: true })
  sourceIndex!: string | null;

  /** The physical index being built (Elasticsearch), e.g. items_v2; the alias moves to it. */
  @ApiProperty({ type: String, nullable: true })
  targetIndex!: string | null;

  /** Live items counted when the copy started. */
  total!: number;

  /** Items copied so far. */
  processed!: number;

  /** 0–100: processed ÷ total (100 once completed). */
  percent!: number;

  /** Changes made while the copy ran, re-applied to the new index. */
  reapplied!: number;

  /** Documents the index refused for good (see the logs). */
  rejected!: number;

  @ApiProperty({ type: String, nullable: true })
  error!: string | null;

  @ApiProperty({ format: 'uuid' })
  requestedBy!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  startedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt!: string | null;
}
