import type { estypes } from '@elastic/elasticsearch';
import type { ItemDto } from '../../items/dto/item.dto';

type IndicesIndexSettings = estypes.IndicesIndexSettings;
type MappingTypeMapping = estypes.MappingTypeMapping;

/** The alias every reader and writer uses; physical indices behind it are `<alias>_v<n>`. */
export const ITEMS_ALIAS = 'items';

/**
 * The indexed document is the ItemDto itself, field for field. Hits therefore turn back into
 * ItemDto from `_source` without a database read, and nothing is stored twice (an `item` object
 * with `enabled: false` beside analysed copies would double `_source` for every title and body).
 */
export type ItemDocument = ItemDto;

/** Names of the analysis components defined in the settings below. */
export const SUGGEST_ANALYZER = 'title_suggest';
export const SUGGEST_TOKENIZER = 'title_edge_ngram';

export const ITEMS_INDEX_SETTINGS: IndicesIndexSettings = {
  analysis: {
    tokenizer: {
      [SUGGEST_TOKENIZER]: {
        type: 'edge_ngram',
        min_gram: 1,
        // Titles are at most 200 characters; completions past 20 characters of one word are noise.
        max_gram: 20,
        token_chars: ['letter', 'digit'],
      },
    },
    analyzer: {
      [SUGGEST_ANALYZER]: {
        type: 'custom',
        tokenizer: SUGGEST_TOKENIZER,
        filter: ['lowercase', 'asciifolding'],
      },
    },
  },
};

export const ITEMS_INDEX_MAPPINGS: MappingTypeMapping = {
  // A field the mapping does not know is a bug in the indexer: reject it instead of guessing a type.
  dynamic: 'strict',
  properties: {
    id: { type: 'keyword' },
    ownerId: { type: 'keyword' },
    title: {
      type: 'text',
      analyzer: 'english',
      fields: {
        // Type-ahead: edge n-grams at index time, whole words at query time (else "ke" would match "ka").
        suggest: { type: 'text', analyzer: SUGGEST_ANALYZER, search_analyzer: 'standard' },
        // Exact title for collapsing suggestions to distinct titles (titles are ≤ 200 characters).
        raw: { type: 'keyword', ignore_above: 256 },
      },
    },
    body: { type: 'text', analyzer: 'english' },
    tags: { type: 'keyword' },
    status: { type: 'keyword' },
    version: { type: 'integer' },
    createdAt: { type: 'date' },
    updatedAt: { type: 'date' },
  },
};

/** The physical index name for a generation: `items_v1`, `items_v2`, … */
export function physicalIndexName(alias: string, generation: number): string {
  return `${alias}_v${generation}`;
}

/** The generation of a physical index behind `alias`, or null when the name is not one of ours. */
export function generationOf(alias: string, indexName: string): number | null {
  const prefix = `${alias}_v`;
  if (!indexName.startsWith(prefix)) return null;
  const rest = indexName.slice(prefix.length);
  return /^[1-9][0-9]*$/.test(rest) ? Number(rest) : null;
}
