import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuthUser } from '../../../common/auth/role';
import { isUniqueViolation } from '../../../database/query-errors';
import { SEARCH_INDEX, type SearchIndex } from '../../search/search-index.port';
import { ACTIVE_SLOT, type ReindexJobEntity } from './reindex-job.entity';
import type { ReindexJobDto } from '../dto/reindex-job.dto';
import { toReindexJobDto } from './reindex-job.mapper';
import { ReindexAlreadyActive, ReindexJobNotFound } from './reindex.exceptions';
import { ReindexRepository } from './reindex.repository';
import { REINDEX_STALE_MS, ReindexRunner } from './reindex-runner';

/** Starts full reindex jobs (one unfinished at a time) and reports their progress. */
@Injectable()
export class SearchReindexService {
  constructor(
    private readonly repo: ReindexRepository,
    private readonly runner: ReindexRunner,
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
  ) {}

  /** Queues a reindex; a process with workers runs it (this one at once, if it has them). */
  async start(requester: AuthUser): Promise<ReindexJobDto> {
    const now = new Date();
    // A job whose process died must not block a new one forever.
    await this.repo.failAbandoned(new Date(now.getTime() - REINDEX_STALE_MS), now);
    const job: ReindexJobEntity = {
      id: randomUUID(),
      status: 'queued',
      phase: 'queued',
      driver: this.index.kind,
      sourceIndex: null,
      targetIndex: null,
      total: 0,
      processed: 0,
      reapplied: 0,
      rejected: 0,
      error: null,
      activeSlot: ACTIVE_SLOT,
      requestedBy: requester.id,
      owner: null,
      heartbeatAt: null,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
    };
    try {
      await this.repo.insert(job);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const active = await this.repo.findActive();
      throw new ReindexAlreadyActive(active?.id ?? null);
    }
    this.runner.wake();
    return toReindexJobDto(job);
  }

  async get(id: string): Promise<ReindexJobDto> {
    const job = await this.repo.findById(id);
    if (!job) throw new ReindexJobNotFound();
    return toReindexJobDto(job);
  }
}
