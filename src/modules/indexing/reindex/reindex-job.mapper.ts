import type { ReindexJobDto } from '../dto/reindex-job.dto';
import type { ReindexJobEntity } from './reindex-job.entity';

export function toReindexJobDto(job: ReindexJobEntity): ReindexJobDto {
  const percent =
    job.status === 'completed'
      ? 100
      : job.total === 0
        ? 0
        : Math.min(100, Math.floor((job.processed * 100) / job.total));
  return {
    id: job.id,
    status: job.status,
    phase: job.phase,
    driver: job.driver,
    sourceIndex: job.sourceIndex,
    targetIndex: job.targetIndex,
    total: job.total,
    processed: job.processed,
    percent,
    reapplied: job.reapplied,
    rejected: job.rejected,
    error: job.error,
    requestedBy: job.requestedBy,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
