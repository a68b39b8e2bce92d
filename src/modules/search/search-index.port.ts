import type { AuthUser } from '../../common/auth/role';
import type { ItemDto } from '../items/dto/item.dto';
import type { ItemStatus } from '../items/item.entity';
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
export interface IndexDocument {
  item: ItemDto;
  deleted: boolean;
}
export interface IndexWriteResult {
  failed: Array<{ id: string; reason: string; retryable: boolean }>;
}
export interface SearchIndex {
  readonly kind: 'database' | 'elasticsearch';
  search(query: SearchQuery): Promise<SearchPage>;
  suggest(query: SuggestQuery): Promise<string[]>;
  /** Applies documents in bulk (the database driver reads the items table directly: a no-op). */
  write(documents: IndexDocument[]): Promise<IndexWriteResult>;
}
