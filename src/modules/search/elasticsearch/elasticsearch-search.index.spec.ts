import { randomUUID } from 'node:crypto';
import { Client, errors } from '@elastic/elasticsearch';
import type { DiagnosticResult } from '@elastic/elasticsearch';
import Mock, { type MockPattern } from '@elastic/elasticsearch-mock';
import type { AuthUser } from '../../../common/auth/role';
import { InvalidCursor } from '../../../common/errors/app-error';
import type { ItemDto } from '../../items/dto/item.dto';
import { copyItem } from '../../items/item-copy';
import type { IndexDocument } from '../search-index.port';
import { ElasticsearchSearchIndex } from './elasticsearch-search.index';
import { ItemsIndexAdmin } from './index-admin';
import { ITEMS_INDEX_MAPPINGS } from './items-index.mapping';
import { encodeSearchCursor } from './search-cursor';

/**
 * Contract tests: the exact requests the driver sends (checked against the shapes Elasticsearch 8
 * documents for `PUT /<index>`, `_bulk`, `_aliases` and `_search`) and how it reads real-shaped
 * answers. The mock stands in for the cluster; test/search-elasticsearch.e2e-spec.ts runs the same
 * driver against a real one.
 */

interface Recorded {
  method: string;
  path: string;
  querystring: Record<string, string>;
  body: unknown;
}

type Answer = Record<string, unknown> | errors.ResponseError;

let mock: Mock;
let client: Client;
let requests: Recorded[];

function on(method: string, path: string, answer: (request: Recorded) => Answer): void {
  mock.add({ method, path }, (params: MockPattern) => {
    const request: Recorded = {
      method: String(params.method),
      path: String(params.path),
      querystring: params.querystring ?? {},
      body: params.body ?? null,
    };
    requests.push(request);
    return answer(request);
  });
}

function only(method: string, path: string): Recorded {
  const matching = requests.filter((r) => r.method === method && r.path === path);
  expect(matching).toHaveLength(1);
  return matching[0];
}

function esError(statusCode: number, body: Record<string, unknown>): errors.ResponseError {
  return new errors.ResponseError({
    body,
    statusCode,
    headers: {},
    warnings: null,
  } as unknown as DiagnosticResult);
}

/** The alias exists and points to `index` (answered without being recorded). */
function aliasReady(index = 'items_v1'): void {
  mock.add({ method: 'HEAD', path: '/_alias/items' }, () => ({}));
  mock.add({ method: 'GET', path: '/_alias/items' }, () => ({
    [index]: { aliases: { items: {} } },
  }));
}

let itemSequence = 0;
function buildItemDto(overrides: Partial<ItemDto> = {}): ItemDto {
  itemSequence += 1;
  const createdAt = new Date(Date.UTC(2026, 10, 20, 9, 0, itemSequence)).toISOString();
  return {
    id: randomUUID(),
    ownerId: randomUUID(),
    title: `Rust ownership guide ${itemSequence}`,
    body: 'Borrowing, lifetimes and the drop order, with examples.',
    tags: ['rust', 'guides'],
    status: 'published',
    version: 3,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

const user: AuthUser = {
  id: '6f1c1b9e-8d7a-4f7e-9f59-3a4d9c2b1e01',
  email: 'ann@example.test',
  role: 'user',
};
const admin: AuthUser = {
  id: '0b7f0d43-2a8e-4c1b-8d55-1f1f6a4f9a10',
  email: 'root@example.test',
  role: 'admin',
};

function searchAnswer(
  hits: Array<Record<string, unknown>>,
  total = hits.length,
): Record<string, unknown> {
  return {
    took: 3,
    timed_out: false,
    _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
    hits: { total: { value: total, relation: 'eq' }, max_score: null, hits },
  };
}

beforeEach(() => {
  mock = new Mock();
  // No retries: a 503 must surface once, and each test sees exactly the requests it caused.
  client = new Client({
    node: 'http://localhost:9200',
    Connection: mock.getConnection(),
    maxRetries: 0,
  });
  requests = [];
});

const EXPECTED_SETTINGS = {
  analysis: {
    tokenizer: {
      title_edge_ngram: {
        type: 'edge_ngram',
        min_gram: 1,
        max_gram: 20,
        token_chars: ['letter', 'digit'],
      },
    },
    analyzer: {
      title_suggest: {
        type: 'custom',
        tokenizer: 'title_edge_ngram',
        filter: ['lowercase', 'asciifolding'],
      },
    },
  },
};

/**
 * The alias `items` is missing (404) until PUT /items_v1 creates it; `answer` is what that PUT
 * answers (the alias exists afterwards even when it fails: another instance created it).
 */
function aliasMissingUntilPut(answer: () => Answer): void {
  let exists = false;
  on('HEAD', '/_alias/items', () => (exists ? {} : esError(404, {})));
  on('GET', '/_alias/items', () => ({ items_v1: { aliases: { items: {} } } }));
  on('PUT', '/items_v1', () => {
    exists = true;
    return answer();
  });
}

describe('ITEMS_INDEX_MAPPINGS', () => {
  it('maps exactly the fields of a stored document and refuses any other (strict)', () => {
    expect(ITEMS_INDEX_MAPPINGS.dynamic).toBe('strict');
    expect(Object.keys(ITEMS_INDEX_MAPPINGS.properties ?? {}).sort()).toEqual(
      Object.keys(copyItem(buildItemDto())).sort(),
    );
  });
});

describe('ItemsIndexAdmin', () => {
  it('creates items_v1 with the mapping and the alias when the alias does not exist', async () => {
    on('HEAD', '/_alias/items', () => esError(404, {}));
    on('PUT', '/items_v1', () => ({
      acknowledged: true,
      shards_acknowledged: true,
      index: 'items_v1',
    }));

    await expect(new ItemsIndexAdmin(client).ensureIndex()).resolves.toEqual({
      index: 'items_v1',
      created: true,
    });

    expect(only('PUT', '/items_v1').body).toEqual({
      settings: EXPECTED_SETTINGS,
      mappings: ITEMS_INDEX_MAPPINGS,
      aliases: { items: {} },
    });
  });

  it('creates nothing when the alias exists, and reports the index behind it', async () => {
    on('HEAD', '/_alias/items', () => ({}));
    on('GET', '/_alias/items', () => ({ items_v3: { aliases: { items: {} } } }));

    await expect(new ItemsIndexAdmin(client).ensureIndex()).resolves.toEqual({
      index: 'items_v3',
      created: false,
    });
    expect(requests.filter((r) => r.method === 'PUT')).toEqual([]);
  });

  it('treats losing the creation race to another instance as success', async () => {
    aliasMissingUntilPut(() =>
      esError(400, {
        error: {
          type: 'resource_already_exists_exception',
          reason: 'index [items_v1/x1Qm9yQ2Sk2Q3kZ1aGf2Ow] already exists',
          index: 'items_v1',
        },
        status: 400,
      }),
    );

    await expect(new ItemsIndexAdmin(client).ensureIndex()).resolves.toEqual({
      index: 'items_v1',
      created: false,
    });
  });

  it('builds the generation after the highest existing one, with the mapping and no alias', async () => {
    on('GET', '/_resolve/index/:name', () => ({
      indices: [
        { name: 'items_v1', aliases: ['items'], attributes: ['open'] },
        { name: 'items_v2', attributes: ['open'] },
        { name: 'items_v2_old', attributes: ['closed'] },
      ],
      aliases: [],
      data_streams: [],
    }));
    on('PUT', '/items_v3', () => ({
      acknowledged: true,
      shards_acknowledged: true,
      index: 'items_v3',
    }));

    await expect(new ItemsIndexAdmin(client).createNextIndex()).resolves.toBe('items_v3');

    const resolve = only('GET', '/_resolve/index/items_v*');
    expect(resolve.querystring).toEqual({ expand_wildcards: 'all' });
    expect(only('PUT', '/items_v3').body).toEqual({
      settings: EXPECTED_SETTINGS,
      mappings: ITEMS_INDEX_MAPPINGS,
    });
  });

  it('swaps the alias with one atomic _aliases request (remove + add)', async () => {
    on('POST', '/_aliases', () => ({ acknowledged: true, errors: false }));

    await new ItemsIndexAdmin(client).swapAlias('items_v1', 'items_v2');

    expect(only('POST', '/_aliases').body).toEqual({
      actions: [
        { remove: { index: 'items_v1', alias: 'items' } },
        { add: { index: 'items_v2', alias: 'items' } },
      ],
    });
  });

  it('drops an old index, tolerating a missing one, and refuses the live one', async () => {
    on('HEAD', '/_alias/items', () => ({}));
    on('GET', '/_alias/items', () => ({ items_v2: { aliases: { items: {} } } }));
    on('DELETE', '/items_v1', () => ({ acknowledged: true }));
    const admin = new ItemsIndexAdmin(client);

    await admin.dropIndex('items_v1');
    expect(only('DELETE', '/items_v1').querystring).toEqual({ ignore_unavailable: 'true' });

    await expect(admin.dropIndex('items_v2')).rejects.toThrow(/refusing to drop items_v2/);
    expect(requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
  });
});

describe('ElasticsearchSearchIndex.write', () => {
  beforeEach(() => aliasReady());

  it('sends one _bulk request: external-versioned index and delete actions through the alias', async () => {
    const kept = buildItemDto({ version: 7, tags: ['rust'] });
    const removed = buildItemDto({ version: 4 });
    on('POST', '/_bulk', () => ({
      took: 12,
      errors: false,
      items: [
        {
          index: { _index: 'items_v1', _id: kept.id, _version: 7, result: 'created', status: 201 },
        },
        {
          delete: {
            _index: 'items_v1',
            _id: removed.id,
            _version: 4,
            result: 'deleted',
            status: 200,
          },
        },
      ],
    }));

    const result = await new ElasticsearchSearchIndex(client).write([
      { item: kept, deleted: false },
      { item: removed, deleted: true },
    ]);

    expect(result).toEqual({ failed: [] });
    // Through the alias only: a missing alias fails the request instead of auto-creating `items`.
    expect(only('POST', '/_bulk').querystring).toEqual({ require_alias: 'true' });
    expect(only('POST', '/_bulk').body).toEqual([
      { index: { _index: 'items', _id: kept.id, version: 7, version_type: 'external' } },
      {
        id: kept.id,
        ownerId: kept.ownerId,
        title: kept.title,
        body: kept.body,
        tags: ['rust'],
        status: 'published',
        version: 7,
        createdAt: kept.createdAt,
        updatedAt: kept.updatedAt,
      },
      { delete: { _index: 'items', _id: removed.id, version: 4, version_type: 'external' } },
    ]);
  });

  it('sends nothing for an empty batch', async () => {
    await expect(new ElasticsearchSearchIndex(client).write([])).resolves.toEqual({ failed: [] });
    expect(requests).toEqual([]);
  });

  it('counts version conflicts and missing deletes as done; reports 429 (retryable) and 400 (not)', async () => {
    const ok = buildItemDto({ version: 2 });
    const stale = buildItemDto({ version: 5 });
    const gone = buildItemDto({ version: 9 });
    const throttled = buildItemDto({ version: 1 });
    const malformed = buildItemDto({ version: 3 });
    const documents: IndexDocument[] = [
      { item: ok, deleted: false },
      { item: stale, deleted: false },
      { item: gone, deleted: true },
      { item: throttled, deleted: false },
      { item: malformed, deleted: false },
    ];
    on('POST', '/_bulk', () => ({
      took: 30,
      errors: true,
      items: [
        {
          index: {
            _index: 'items_v1',
            _id: ok.id,
            _version: 2,
            result: 'updated',
            _shards: { total: 2, successful: 1, failed: 0 },
            _seq_no: 41,
            _primary_term: 1,
            status: 200,
          },
        },
        {
          index: {
            _index: 'items_v1',
            _id: stale.id,
            status: 409,
            error: {
              type: 'version_conflict_engine_exception',
              reason: `[${stale.id}]: version conflict, current version [6] is higher or equal to the one provided [5]`,
              index_uuid: 'x1Qm9yQ2Sk2Q3kZ1aGf2Ow',
              shard: '0',
              index: 'items_v1',
            },
          },
        },
        {
          delete: {
            _index: 'items_v1',
            _id: gone.id,
            _version: 9,
            result: 'not_found',
            _shards: { total: 2, successful: 1, failed: 0 },
            _seq_no: 42,
            _primary_term: 1,
            status: 404,
          },
        },
        {
          index: {
            _index: 'items_v1',
            _id: throttled.id,
            status: 429,
            error: {
              type: 'es_rejected_execution_exception',
              reason:
                'rejected execution of coordinating operation [shard_detail=[items_v1][0][P]]',
            },
          },
        },
        {
          index: {
            _index: 'items_v1',
            _id: malformed.id,
            status: 400,
            error: {
              type: 'mapper_parsing_exception',
              reason:
                "failed to parse field [createdAt] of type [date] in document with id '" +
                malformed.id +
                "'",
              caused_by: {
                type: 'illegal_argument_exception',
                reason: 'failed to parse date field [yesterday]',
              },
            },
          },
        },
      ],
    }));

    const result = await new ElasticsearchSearchIndex(client).write(documents);

    expect(result.failed).toEqual([
      {
        id: throttled.id,
        reason: expect.stringContaining('es_rejected_execution_exception'),
        retryable: true,
      },
      {
        id: malformed.id,
        reason: expect.stringContaining('mapper_parsing_exception'),
        retryable: false,
      },
    ]);
  });

  it('throws when the whole request fails (503), so the batch is retried', async () => {
    on('POST', '/_bulk', () =>
      esError(503, {
        error: {
          type: 'cluster_block_exception',
          reason: 'blocked by: [SERVICE_UNAVAILABLE/2/no master];',
        },
        status: 503,
      }),
    );

    await expect(
      new ElasticsearchSearchIndex(client).write([{ item: buildItemDto(), deleted: false }]),
    ).rejects.toBeInstanceOf(errors.ResponseError);
  });
});

describe('ElasticsearchSearchIndex.search', () => {
  const visibility = {
    bool: {
      should: [{ term: { status: 'published' } }, { term: { ownerId: user.id } }],
      minimum_should_match: 1,
    },
  };
  const highlight = {
    encoder: 'html',
    pre_tags: ['<em>'],
    post_tags: ['</em>'],
    fields: {
      title: { fragment_size: 150, number_of_fragments: 3 },
      body: { fragment_size: 150, number_of_fragments: 3 },
    },
  };

  beforeEach(() => {
    aliasReady();
    on('POST', '/items/_search', () => searchAnswer([]));
  });

  it('lists by recency with match_all when q is empty, visible items only', async () => {
    await expect(
      new ElasticsearchSearchIndex(client).search({ viewer: user, q: '  ', limit: 20 }),
    ).resolves.toEqual({
      data: [],
      total: 0,
      nextCursor: null,
    });

    expect(only('POST', '/items/_search').body).toEqual({
      size: 21,
      track_total_hits: true,
      query: { bool: { must: [{ match_all: {} }], filter: [visibility] } },
      sort: [{ createdAt: { order: 'desc' } }, { id: { order: 'desc' } }],
    });
  });

  it('matches q on title^3 and body with every filter for a non-admin viewer', async () => {
    const ownerId = randomUUID();
    await new ElasticsearchSearchIndex(client).search({
      viewer: user,
      q: ' borrow checker ',
      tag: 'rust',
      status: 'draft',
      ownerId,
      limit: 10,
    });

    expect(only('POST', '/items/_search').body).toEqual({
      size: 11,
      track_total_hits: true,
      query: {
        bool: {
          must: [
            {
              multi_match: {
                query: 'borrow checker',
                fields: ['title^3', 'body'],
                type: 'best_fields',
                operator: 'and',
              },
            },
          ],
          filter: [
            visibility,
            { term: { tags: 'rust' } },
            { term: { status: 'draft' } },
            { term: { ownerId } },
          ],
        },
      },
      sort: [{ _score: { order: 'desc' } }, { id: { order: 'asc' } }],
      highlight,
    });
  });

  it('applies no visibility filter for an admin', async () => {
    await new ElasticsearchSearchIndex(client).search({
      viewer: admin,
      q: 'lifetimes',
      tag: 'rust',
      limit: 5,
    });

    expect(only('POST', '/items/_search').body).toEqual({
      size: 6,
      track_total_hits: true,
      query: {
        bool: {
          must: [
            {
              multi_match: {
                query: 'lifetimes',
                fields: ['title^3', 'body'],
                type: 'best_fields',
                operator: 'and',
              },
            },
          ],
          filter: [{ term: { tags: 'rust' } }],
        },
      },
      sort: [{ _score: { order: 'desc' } }, { id: { order: 'asc' } }],
      highlight,
    });
  });

  it('turns a cursor into search_after', async () => {
    const lastId = randomUUID();
    const cursor = encodeSearchCursor('recent', [1763629200000, lastId]);

    await new ElasticsearchSearchIndex(client).search({ viewer: admin, q: '', limit: 2, cursor });

    expect(only('POST', '/items/_search').body).toEqual({
      size: 3,
      track_total_hits: true,
      query: { bool: { must: [{ match_all: {} }], filter: [] } },
      sort: [{ createdAt: { order: 'desc' } }, { id: { order: 'desc' } }],
      search_after: [1763629200000, lastId],
    });
  });

  it.each([
    ['not base64url', '%%%'],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    [
      'wrong shape',
      Buffer.from(JSON.stringify({ m: 'recent', a: ['x', 1] })).toString('base64url'),
    ],
    ['issued for the other sort', encodeSearchCursor('relevance', [4.2, randomUUID()])],
  ])('rejects a cursor that is %s with InvalidCursor and sends nothing', async (_label, cursor) => {
    requests = [];
    await expect(
      new ElasticsearchSearchIndex(client).search({ viewer: user, q: '', limit: 10, cursor }),
    ).rejects.toBeInstanceOf(InvalidCursor);
    expect(requests).toEqual([]);
  });

  it.each([
    '"unclosed quote',
    'rust*',
    '+borrow -lifetime',
    '(a OR b',
    'fuzzy~2',
    '/regex.*/',
    'back\\slash\\',
    'AND OR NOT',
    'title:rust^10',
    '🦀 crab',
    'ünïcödé 日本語',
  ])('sends %j as plain text to multi_match, never query_string', async (q) => {
    await new ElasticsearchSearchIndex(client).search({ viewer: user, q, limit: 10 });

    const body = only('POST', '/items/_search').body;
    expect(JSON.stringify(body)).not.toMatch(/query_string/);
    expect(body).toMatchObject({
      query: { bool: { must: [{ multi_match: { query: q.trim() } }] } },
    });
  });
});

describe('ElasticsearchSearchIndex.search answers', () => {
  beforeEach(() => aliasReady());

  function hit(
    item: ItemDto,
    score: number | null,
    extra: Record<string, unknown> = {},
  ): Record<string, unknown> {
    return { _index: 'items_v1', _id: item.id, _score: score, _source: item, ...extra };
  }

  it('reads scores, highlights, the total and the next cursor from a real-shaped answer', async () => {
    const first = buildItemDto({ title: 'Rust borrow checker explained' });
    const second = buildItemDto({
      title: 'Ownership in Rust',
      body: 'The borrow checker enforces…',
    });
    const extra = buildItemDto();
    on('POST', '/items/_search', () =>
      searchAnswer(
        [
          hit(first, 7.3412, {
            sort: [7.3412, first.id],
            highlight: { title: ['Rust <em>borrow</em> <em>checker</em> explained'] },
          }),
          hit(second, 2.118, {
            sort: [2.118, second.id],
            highlight: {
              title: ['Ownership in Rust'],
              body: ['The <em>borrow</em> <em>checker</em> enforces…'],
            },
          }),
          hit(extra, 1.5, { sort: [1.5, extra.id] }),
        ],
        57,
      ),
    );
    const index = new ElasticsearchSearchIndex(client);

    const page = await index.search({ viewer: user, q: 'borrow checker', limit: 2 });

    expect(page.total).toBe(57);
    expect(page.data).toEqual([
      {
        item: first,
        score: 7.3412,
        highlights: { title: ['Rust <em>borrow</em> <em>checker</em> explained'] },
      },
      {
        item: second,
        score: 2.118,
        highlights: {
          title: ['Ownership in Rust'],
          body: ['The <em>borrow</em> <em>checker</em> enforces…'],
        },
      },
    ]);
    expect(page.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);

    requests = [];
    await index.search({
      viewer: user,
      q: 'borrow checker',
      limit: 2,
      cursor: page.nextCursor ?? undefined,
    });
    expect(only('POST', '/items/_search').body).toMatchObject({ search_after: [2.118, second.id] });
  });

  it('scores 0 when Elasticsearch gives no score, and ends with a null cursor on the last page', async () => {
    const item = buildItemDto();
    on('POST', '/items/_search', () =>
      searchAnswer([hit(item, null, { sort: [Date.parse(item.createdAt), item.id] })]),
    );

    await expect(
      new ElasticsearchSearchIndex(client).search({ viewer: user, q: '', limit: 20 }),
    ).resolves.toEqual({
      data: [{ item, score: 0, highlights: {} }],
      total: 1,
      nextCursor: null,
    });
  });
});

describe('ElasticsearchSearchIndex.suggest', () => {
  beforeEach(() => aliasReady());

  it('matches the prefix on title.suggest, visible items only, collapsed to distinct titles', async () => {
    on('POST', '/items/_search', () =>
      searchAnswer([
        {
          _index: 'items_v1',
          _id: randomUUID(),
          _score: 3.1,
          _source: { title: 'Rust ownership guide' },
          fields: { 'title.raw': ['Rust ownership guide'] },
        },
        {
          _index: 'items_v1',
          _id: randomUUID(),
          _score: 2.7,
          _source: { title: 'Rust on embedded' },
          fields: { 'title.raw': ['Rust on embedded'] },
        },
        {
          _index: 'items_v1',
          _id: randomUUID(),
          _score: 2.7,
          _source: { title: 'Rust on embedded' },
        },
      ]),
    );

    const titles = await new ElasticsearchSearchIndex(client).suggest({
      viewer: user,
      prefix: ' rust o ',
      limit: 10,
    });

    expect(titles).toEqual(['Rust ownership guide', 'Rust on embedded']);
    expect(only('POST', '/items/_search').body).toEqual({
      size: 10,
      track_total_hits: false,
      _source: ['title'],
      query: {
        bool: {
          must: [{ match: { 'title.suggest': { query: 'rust o', operator: 'and' } } }],
          filter: [
            {
              bool: {
                should: [{ term: { status: 'published' } }, { term: { ownerId: user.id } }],
                minimum_should_match: 1,
              },
            },
          ],
        },
      },
      collapse: { field: 'title.raw' },
      sort: [{ _score: { order: 'desc' } }, { 'title.raw': { order: 'asc' } }],
    });
  });

  it('asks nothing for an empty prefix', async () => {
    await expect(
      new ElasticsearchSearchIndex(client).suggest({ viewer: user, prefix: '  ', limit: 10 }),
    ).resolves.toEqual([]);
    expect(requests).toEqual([]);
  });
});

describe('ElasticsearchSearchIndex index readiness', () => {
  const bulkOk = (): Record<string, unknown> => ({ took: 1, errors: false, items: [] });

  it('creates the index before the first write when boot could not, and only once', async () => {
    aliasMissingUntilPut(() => ({
      acknowledged: true,
      shards_acknowledged: true,
      index: 'items_v1',
    }));
    on('POST', '/_bulk', bulkOk);
    const index = new ElasticsearchSearchIndex(client);

    await index.write([{ item: buildItemDto(), deleted: false }]);
    await index.write([{ item: buildItemDto(), deleted: false }]);

    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'HEAD /_alias/items',
      'PUT /items_v1',
      'POST /_bulk',
      'POST /_bulk',
    ]);
    expect(only('PUT', '/items_v1').body).toMatchObject({ aliases: { items: {} } });
  });

  it('fails the write while Elasticsearch is away, and tries again on the next one', async () => {
    let up = false;
    on('HEAD', '/_alias/items', () =>
      up ? {} : esError(503, { error: { type: 'master_not_discovered_exception' }, status: 503 }),
    );
    on('GET', '/_alias/items', () => ({ items_v1: { aliases: { items: {} } } }));
    on('POST', '/_bulk', bulkOk);
    const index = new ElasticsearchSearchIndex(client);
    const batch = [{ item: buildItemDto(), deleted: false }];

    await expect(index.write(batch)).rejects.toBeInstanceOf(errors.ResponseError);
    await expect(index.ready()).resolves.toBe(false);
    expect(requests.filter((r) => r.path === '/_bulk')).toEqual([]);

    up = true;
    await expect(index.ready()).resolves.toBe(true);
    await expect(index.write(batch)).resolves.toEqual({ failed: [] });
    expect(requests.filter((r) => r.path === '/_bulk')).toHaveLength(1);
  });
});

describe('ElasticsearchSearchIndex.rebuild', () => {
  it('builds the next generation, writes into it directly, swaps the alias and drops the old one', async () => {
    let live = 'items_v1';
    on('HEAD', '/_alias/items', () => ({}));
    on('GET', '/_alias/items', () => ({ [live]: { aliases: { items: {} } } }));
    on('GET', '/_resolve/index/:name', () => ({
      indices: [{ name: 'items_v1', aliases: ['items'], attributes: ['open'] }],
      aliases: [],
      data_streams: [],
    }));
    on('PUT', '/items_v2', () => ({
      acknowledged: true,
      shards_acknowledged: true,
      index: 'items_v2',
    }));
    on('POST', '/_bulk', () => ({ took: 1, errors: false, items: [] }));
    on('POST', '/_aliases', () => {
      live = 'items_v2';
      return { acknowledged: true, errors: false };
    });
    on('DELETE', '/items_v1', () => ({ acknowledged: true }));
    const item = buildItemDto({ version: 9 });

    const rebuild = await new ElasticsearchSearchIndex(client).rebuild();
    expect(rebuild).toMatchObject({
      source: 'items_v1',
      target: 'items_v2',
      copiesDocuments: true,
    });
    expect(only('PUT', '/items_v2').body).toEqual({
      settings: EXPECTED_SETTINGS,
      mappings: ITEMS_INDEX_MAPPINGS,
    });

    await rebuild.write([{ item, deleted: false }]);
    const bulk = only('POST', '/_bulk');
    // The new generation by name (it has no alias yet), with the item's version as external.
    expect(bulk.querystring).toEqual({});
    expect((bulk.body as unknown[])[0]).toEqual({
      index: { _index: 'items_v2', _id: item.id, version: 9, version_type: 'external' },
    });

    await rebuild.publish();
    expect(only('POST', '/_aliases').body).toEqual({
      actions: [
        { remove: { index: 'items_v1', alias: 'items' } },
        { add: { index: 'items_v2', alias: 'items' } },
      ],
    });
    await rebuild.cleanup();
    expect(only('DELETE', '/items_v1').querystring).toEqual({ ignore_unavailable: 'true' });
  });

  it('drops the half-built generation when aborted', async () => {
    aliasReady();
    on('GET', '/_resolve/index/:name', () => ({
      indices: [{ name: 'items_v1', aliases: ['items'], attributes: ['open'] }],
      aliases: [],
      data_streams: [],
    }));
    on('PUT', '/items_v2', () => ({ acknowledged: true, index: 'items_v2' }));
    on('DELETE', '/items_v2', () => ({ acknowledged: true }));

    const rebuild = await new ElasticsearchSearchIndex(client).rebuild();
    await rebuild.abort();

    expect(only('DELETE', '/items_v2').querystring).toEqual({ ignore_unavailable: 'true' });
  });
});
