import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ItemDto } from '../items/dto/item.dto';
import { ItemsReadService } from '../items/items-read.service';
import { IndexDocument, SEARCH_INDEX, type SearchIndex } from '../search/search-index.port';
import type { SearchIndexJob } from './search-index.job';

/**
 * The one handler of SearchJobName.IndexItem, run on a batch of jobs: loads the current items and
 * writes them in one bulk request. Documents carry the item's current version (external versioning),
 * so a stale or duplicate job is harmless.
 */
@Injectable()
export class SearchIndexProcessor {
  private readonly logger = new Logger(SearchIndexProcessor.name);

  constructor(
    private readonly items: ItemsReadService,
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
  ) {}

  /** One outcome per job: null (done) or the error that makes that job retry. Throws to retry all. */
  async run(jobs: SearchIndexJob[]): Promise<Array<Error | null>> {
    const newest = new Map<string, number>();
    for (const job of jobs) {
      newest.set(job.itemId, Math.max(job.version, newest.get(job.itemId) ?? 0));
    }
    const current = await this.items.snapshots([...newest.keys()]);
    const byId = new Map(current.map((snapshot) => [snapshot.item.id, snapshot]));
    const documents: IndexDocument[] = [...newest].map(
      ([id, version]) => byId.get(id) ?? { item: tombstone(id, version), deleted: true },
    );
    const result = await this.index.write(documents);
    const retry = new Map<string, string>();
    for (const failure of result.failed) {
      if (failure.retryable) retry.set(failure.id, failure.reason);
      else
        this.logger.warn({
          event: 'search.index.rejected',
          itemId: failure.id,
          reason: failure.reason,
        });
    }
    return jobs.map((job) => {
      const reason = retry.get(job.itemId);
      return reason === undefined ? null : new Error(`index write failed: ${reason}`);
    });
  }
}

/** A row that no longer exists: delete its document (its last known version is the job's). */
function tombstone(id: string, version: number): ItemDto {
  const epoch = new Date(0).toISOString();
  return {
    id,
    ownerId: '',
    title: '',
    body: '',
    tags: [],
    status: 'archived',
    version,
    createdAt: epoch,
    updatedAt: epoch,
  };
}
