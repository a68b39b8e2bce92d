import type { estypes } from '@elastic/elasticsearch';
import { visibleItemsSearchFilter } from '../../items/item-visibility';
import type { SearchQuery, SuggestQuery } from '../search-index.port';
import { decodeSearchCursor, type SearchSortMode } from './search-cursor';

type QueryDslQueryContainer = estypes.QueryDslQueryContainer;
type SearchRequest = estypes.SearchRequest;
type Sort = estypes.Sort;

/** A search request without its target; the driver adds the alias. */
export type SearchBody = Omit<SearchRequest, 'index'>;

export const HIGHLIGHT_FRAGMENT_SIZE = 150;
export const HIGHLIGHT_FRAGMENTS = 3;

function termFilters(query: SearchQuery): QueryDslQueryContainer[] {
  const filters: QueryDslQueryContainer[] = [];
  if (query.tag !== undefined) filters.push({ term: { tags: query.tag } });
  if (query.status !== undefined) filters.push({ term: { status: query.status } });
  if (query.ownerId !== undefined) filters.push({ term: { ownerId: query.ownerId } });
  return filters;
}

export function sortModeOf(query: Pick<SearchQuery, 'q'>): SearchSortMode {
  return query.q.trim() === '' ? 'recent' : 'relevance';
}

const SORTS: Record<SearchSortMode, Sort> = {
  recent: [{ createdAt: { order: 'desc' } }, { id: { order: 'desc' } }],
  // `id` is a keyword: a total order, so equal scores still page deterministically.
  relevance: [{ _score: { order: 'desc' } }, { id: { order: 'asc' } }],
};

/**
 * The search body for a page. The query text is user input, so it only ever reaches
 * `multi_match`, which analyses it as plain text: quotes, `*`, `+`, `-`, `(`, `~`, `/`, `\` and
 * emoji have no syntax there and cannot cause a parse error (`query_string` is never used).
 * One more hit than `limit` is asked for, to know whether there is a next page.
 */
export function buildSearchBody(query: SearchQuery): SearchBody {
  const mode = sortModeOf(query);
  const text = query.q.trim();
  const filter = [...visibleItemsSearchFilter(query.viewer), ...termFilters(query)];
  const body: SearchBody = {
    size: query.limit + 1,
    track_total_hits: true,
    query:
      mode === 'recent'
        ? { bool: { must: [{ match_all: {} }], filter } }
        : {
            bool: {
              must: [
                {
                  multi_match: {
                    query: text,
                    fields: ['title^3', 'body'],
                    type: 'best_fields',
                    operator: 'and',
                  },
                },
              ],
              filter,
            },
          },
    sort: SORTS[mode],
  };
  if (mode === 'relevance') {
    body.highlight = {
      // Escapes the item's own text, so the only markup in a fragment is ours.
      encoder: 'html',
      pre_tags: ['<em>'],
      post_tags: ['</em>'],
      fields: {
        title: { fragment_size: HIGHLIGHT_FRAGMENT_SIZE, number_of_fragments: HIGHLIGHT_FRAGMENTS },
        body: { fragment_size: HIGHLIGHT_FRAGMENT_SIZE, number_of_fragments: HIGHLIGHT_FRAGMENTS },
      },
    };
  }
  if (query.cursor !== undefined) body.search_after = decodeSearchCursor(query.cursor, mode);
  return body;
}

/**
 * Title completions: whole words of the prefix against the edge-n-gram sub-field, collapsed on
 * the exact title so `size` distinct titles come back.
 */
export function buildSuggestBody(query: SuggestQuery): SearchBody {
  return {
    size: query.limit,
    track_total_hits: false,
    _source: ['title'],
    query: {
      bool: {
        must: [{ match: { 'title.suggest': { query: query.prefix.trim(), operator: 'and' } } }],
        filter: visibleItemsSearchFilter(query.viewer),
      },
    },
    collapse: { field: 'title.raw' },
    sort: [{ _score: { order: 'desc' } }, { 'title.raw': { order: 'asc' } }],
  };
}
