import type { AuthUser } from '../../common/auth/role';
import type { ItemDto } from '../items/dto/item.dto';
import type { ItemStatus } from '../items/item-status';
import type { ItemSnapshot } from '../items/items-read.service';
export const SEARCH_INDEX = Symbol('SEARCH_INDEX');
export interface SearchQuery {
  viewer: AuthUser;
  q: string;
  tag?: string;
  status?: ItemStatus;
  ownerId?: string;
  limit: number;
  cursor?: string;
}
export interface SearchHit {
  item: ItemDto;
  score: number;
  highlights: { title?: string[]; body?: string[] };
}
export interface SearchPage {
  data: SearchHit[];
  total: number;
  nextCursor: string | null;
}
export interface SuggestQuery {
  viewer: AuthUser;
  prefix: string;
  limit: number;
}
/** What the indexer writes; `deleted` removes the document. Versions come from item.version. */
export type IndexDocument = ItemSnapshot;
export interface IndexWriteResult {
  failed: Array<{ id: string; reason: string; retryable: boolean }>;
}
/**
 * A full rebuild in progress (POST /admin/search/reindex). Writes go to the new generation, which
 * readers do not see until `publish` makes it the live one in one atomic step.
 */
export interface IndexRebuild {
  /** The physical index being built, and the one it replaces (null where there is none). */
  readonly target: string | null;
  readonly source: string | null;
  /** False when the store rebuilds itself in `publish` and nothing needs copying. */
  readonly copiesDocuments: boolean;
  /** Writes into the new generation (external versions: an older write never wins). */
  write(documents: IndexDocument[]): Promise<IndexWriteResult>;
  /** Makes the new generation the live one (atomic alias swap). */
  publish(): Promise<void>;
  /** After publish: removes what was replaced. */
  cleanup(): Promise<void>;
  /** Gives up before publish: removes the half-built generation (best effort). */
  abort(): Promise<void>;
}
export interface SearchIndex {
  readonly kind: 'database' | 'elasticsearch';
  search(query: SearchQuery): Promise<SearchPage>;
  suggest(query: SuggestQuery): Promise<string[]>;
  /** Applies documents in bulk (the database driver reads the items table directly: a no-op). */
  write(documents: IndexDocument[]): Promise<IndexWriteResult>;
  /** True when the index can take reads and writes now (Elasticsearch: the alias exists). */
  ready(): Promise<boolean>;
  /** Starts a full rebuild (a new generation beside the live one). */
  rebuild(): Promise<IndexRebuild>;
}
