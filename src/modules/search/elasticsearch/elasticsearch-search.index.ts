import type { Client, estypes } from '@elastic/elasticsearch';
import { copyItem } from '../../items/item-copy';
import type {
  IndexDocument,
  IndexRebuild,
  IndexWriteResult,
  SearchHit,
  SearchIndex,
  SearchPage,
  SearchQuery,
  SuggestQuery,
} from '../search-index.port';
import { buildSearchBody, buildSuggestBody, sortModeOf } from './elasticsearch-query';
import { ItemsIndexAdmin } from './index-admin';
import { ITEMS_ALIAS, type ItemDocument } from './items-index.mapping';
import { encodeSearchCursor } from './search-cursor';

type BulkOperationContainer = estypes.BulkOperationContainer;
type BulkResponseItem = estypes.BulkResponseItem;
type EsSearchHit<T> = estypes.SearchHit<T>;
type SearchTotalHits = estypes.SearchTotalHits;

type WriteFailure = IndexWriteResult['failed'][number];

/**
 * The Elasticsearch driver. Reads and writes go through the alias, never a physical index, so a
 * reindex can swap `items_vN` underneath without either side noticing.
 */
export class ElasticsearchSearchIndex implements SearchIndex {
  readonly kind = 'elasticsearch' as const;
  private readonly admin: ItemsIndexAdmin;
  private ensured = false;
  private ensuring: Promise<void> | null = null;

  constructor(
    private readonly client: Client,
    private readonly alias: string = ITEMS_ALIAS,
  ) {
    this.admin = new ItemsIndexAdmin(client, alias);
  }

  /**
   * Creates the first generation and the alias if they are missing; once that has worked it is not
   * asked again. Every read and write waits for it, so a write can never reach Elasticsearch before
   * the mapping does (which would auto-create an unmapped `items` index); a failure (Elasticsearch
   * down at boot) is retried by the next call.
   */
  ensureIndex(): Promise<void> {
    if (this.ensured) return Promise.resolve();
    this.ensuring ??= this.admin
      .ensureIndex()
      .then(() => {
        this.ensured = true;
      })
      .finally(() => {
        this.ensuring = null;
      });
    return this.ensuring;
  }

  async ready(): Promise<boolean> {
    try {
      await this.ensureIndex();
      return await this.client.indices.existsAlias({ name: this.alias });
    } catch {
      return false;
    }
  }

  async rebuild(): Promise<IndexRebuild> {
    await this.ensureIndex();
    const source = await this.admin.currentIndex();
    const target = await this.admin.createNextIndex();
    return new ElasticsearchRebuild(this.client, this.admin, source, target);
  }

  async search(query: SearchQuery): Promise<SearchPage> {
    await this.ensureIndex();
    const body = buildSearchBody(query);
    const response = await this.client.search<ItemDocument>({ index: this.alias, ...body });
    const hits = response.hits.hits;
    const page = hits.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor =
      hits.length > query.limit && last !== undefined
        ? encodeSearchCursor(sortModeOf(query), sortValuesOf(last))
        : null;
    return {
      data: page.map(toSearchHit),
      total: totalOf(response.hits.total),
      nextCursor,
    };
  }

  async suggest(query: SuggestQuery): Promise<string[]> {
    if (query.prefix.trim() === '' || query.limit <= 0) return [];
    await this.ensureIndex();
    const response = await this.client.search<Pick<ItemDocument, 'title'>>({
      index: this.alias,
      ...buildSuggestBody(query),
    });
    const titles = new Set<string>();
    for (const hit of response.hits.hits) {
      const title = hit._source?.title;
      if (typeof title === 'string') titles.add(title);
      if (titles.size === query.limit) break;
    }
    return [...titles];
  }

  /**
   * One `_bulk` request through the alias (`require_alias`: if the alias is missing the request
   * fails instead of auto-creating an unmapped index). See `bulkWrite`.
   */
  async write(documents: IndexDocument[]): Promise<IndexWriteResult> {
    if (documents.length === 0) return { failed: [] };
    await this.ensureIndex();
    return bulkWrite(this.client, this.alias, documents, true);
  }
}

/** A reindex into `target` (the next generation) beside `source` (the live one). */
class ElasticsearchRebuild implements IndexRebuild {
  readonly copiesDocuments = true;

  constructor(
    private readonly client: Client,
    private readonly admin: ItemsIndexAdmin,
    readonly source: string,
    readonly target: string,
  ) {}

  write(documents: IndexDocument[]): Promise<IndexWriteResult> {
    if (documents.length === 0) return Promise.resolve({ failed: [] });
    return bulkWrite(this.client, this.target, documents, false);
  }

  publish(): Promise<void> {
    return this.admin.swapAlias(this.source, this.target);
  }

  cleanup(): Promise<void> {
    return this.admin.dropIndex(this.source);
  }

  abort(): Promise<void> {
    return this.admin.dropIndex(this.target);
  }
}

/**
 * One `_bulk` request. External versioning makes every write conditional on `item.version`
 * being newer than what is stored, so jobs may arrive in any order: a 409 means a newer
 * version is already there (success), and a 404 on delete means nothing is left to delete.
 * A transport-level failure (the whole request) throws, so the caller retries the batch.
 */
async function bulkWrite(
  client: Client,
  index: string,
  documents: IndexDocument[],
  requireAlias: boolean,
): Promise<IndexWriteResult> {
  const operations: Array<BulkOperationContainer | ItemDocument> = [];
  for (const { item, deleted } of documents) {
    const target = {
      _index: index,
      _id: item.id,
      version: item.version,
      version_type: 'external' as const,
    };
    if (deleted) {
      operations.push({ delete: target });
    } else {
      operations.push({ index: target }, copyItem(item));
    }
  }
  const response = await client.bulk(
    requireAlias ? { operations, require_alias: true } : { operations },
  );
  if (!response.errors) return { failed: [] };

  const failed: WriteFailure[] = [];
  response.items.forEach((entry, position) => {
    const failure = failureOf(entry, documents[position]);
    if (failure !== null) failed.push(failure);
  });
  return { failed };
}

function failureOf(
  entry: Partial<Record<'index' | 'create' | 'update' | 'delete', BulkResponseItem>>,
  document: IndexDocument | undefined,
): WriteFailure | null {
  const operation = entry.delete ?? entry.index ?? entry.create ?? entry.update;
  if (operation === undefined) return null;
  const { status } = operation;
  if (status >= 200 && status < 300) return null;
  if (status === 409) return null;
  if (status === 404 && entry.delete !== undefined) return null;
  const id = operation._id ?? document?.item.id ?? '';
  const reason =
    operation.error === undefined
      ? `status ${status}`
      : `${operation.error.type}: ${operation.error.reason ?? ''}`.trim();
  return { id, reason, retryable: status === 429 || status >= 500 };
}

function toSearchHit(hit: EsSearchHit<ItemDocument>): SearchHit {
  const source = hit._source;
  if (source === undefined) {
    // Every request asks for _source; a hit without one means the index is not ours.
    throw new Error(`search hit ${hit._id ?? '?'} has no _source`);
  }
  const highlights: SearchHit['highlights'] = {};
  if (hit.highlight?.title !== undefined) highlights.title = hit.highlight.title;
  if (hit.highlight?.body !== undefined) highlights.body = hit.highlight.body;
  return { item: copyItem(source), score: hit._score ?? 0, highlights };
}

function sortValuesOf(hit: EsSearchHit<ItemDocument>): [number, string] {
  const values: unknown[] = hit.sort ?? [];
  const [first, second] = values;
  if (typeof first !== 'number' || typeof second !== 'string') {
    throw new Error(`search hit ${hit._id ?? '?'} has unexpected sort values`);
  }
  return [first, second];
}

function totalOf(total: SearchTotalHits | number | undefined): number {
  if (total === undefined) return 0;
  return typeof total === 'number' ? total : total.value;
}
