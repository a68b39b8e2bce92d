import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import type { AuthUser } from '../src/common/auth/role';
import type { ItemDto } from '../src/modules/items/dto/item.dto';
import { ElasticsearchSearchIndex } from '../src/modules/search/elasticsearch/elasticsearch-search.index';
import { ItemsIndexAdmin } from '../src/modules/search/elasticsearch/index-admin';

/**
 * The Elasticsearch driver against a real cluster: runs only when ELASTICSEARCH_NODE is set.
 * Both e2e projects run this file, possibly at the same time, so every run works under its own
 * alias (`keel_e2e_<random>_items`) and deletes its indices afterwards.
 */
const node = process.env.ELASTICSEARCH_NODE;
const maybe = node ? describe : describe.skip;

let sequence = 0;
function buildItemDto(overrides: Partial<ItemDto> = {}): ItemDto {
  sequence += 1;
  const createdAt = new Date(Date.UTC(2026, 10, 20, 9, 0, sequence)).toISOString();
  return {
    id: randomUUID(),
    ownerId: randomUUID(),
    title: `Gardening notes ${sequence}`,
    body: 'Compost, mulch and watering schedules.',
    tags: ['garden'],
    status: 'published',
    version: 1,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

function viewer(role: AuthUser['role'], id = randomUUID()): AuthUser {
  return { id, email: `${id}@example.test`, role };
}

maybe('Elasticsearch driver on a real cluster', () => {
  const alias = `keel_e2e_${randomBytes(4).toString('hex')}_items`;
  let client: Client;
  let admin: ItemsIndexAdmin;
  let index: ElasticsearchSearchIndex;

  const refresh = async (): Promise<void> => {
    await client.indices.refresh({ index: alias });
  };

  beforeAll(async () => {
    client = new Client({ node });
    admin = new ItemsIndexAdmin(client, alias);
    index = new ElasticsearchSearchIndex(client, alias);
    await expect(admin.ensureIndex()).resolves.toEqual({ index: `${alias}_v1`, created: true });
  });

  afterAll(async () => {
    if (client === undefined) return;
    // Wildcard deletes are refused by default (action.destructive_requires_name): name each index.
    const { indices } = await client.indices.resolveIndex({
      name: `${alias}_v*`,
      expand_wildcards: 'all',
    });
    const names = indices.map(({ name }) => name);
    if (names.length > 0) await client.indices.delete({ index: names, ignore_unavailable: true });
    await client.close();
  });

  it('is idempotent at boot: a second ensureIndex keeps the existing index', async () => {
    await expect(admin.ensureIndex()).resolves.toEqual({ index: `${alias}_v1`, created: false });
  });

  it('finds a title match above a body-only match, with highlights, honouring visibility', async () => {
    const owner = viewer('user');
    const titleMatch = buildItemDto({
      title: 'Pruning tomato plants',
      body: 'Cut the suckers early.',
    });
    const bodyMatch = buildItemDto({
      title: 'Summer chores',
      body: 'Water daily and check every tomato.',
    });
    const hiddenDraft = buildItemDto({
      title: 'Tomato secrets',
      status: 'draft',
      ownerId: owner.id,
    });
    await expect(
      index.write([titleMatch, bodyMatch, hiddenDraft].map((item) => ({ item, deleted: false }))),
    ).resolves.toEqual({ failed: [] });
    await refresh();

    const stranger = await index.search({ viewer: viewer('user'), q: 'tomato', limit: 10 });
    expect(stranger.data.map((hit) => hit.item.id)).toEqual([titleMatch.id, bodyMatch.id]);
    expect(stranger.total).toBe(2);
    expect(stranger.data[0].item).toEqual(titleMatch);
    expect(stranger.data[0].highlights.title).toEqual(['Pruning <em>tomato</em> plants']);
    expect(stranger.data[0].score).toBeGreaterThan(stranger.data[1].score);

    const ownView = await index.search({ viewer: owner, q: 'tomato', limit: 10 });
    expect(ownView.data.map((hit) => hit.item.id)).toContain(hiddenDraft.id);
    const adminView = await index.search({
      viewer: viewer('admin'),
      q: 'tomato',
      status: 'draft',
      limit: 10,
    });
    expect(adminView.data.map((hit) => hit.item.id)).toEqual([hiddenDraft.id]);
  });

  it('pages by recency with an opaque cursor when q is empty', async () => {
    const tag = `page-${randomBytes(3).toString('hex')}`;
    const items = [1, 2, 3].map(() => buildItemDto({ tags: [tag] }));
    await index.write(items.map((item) => ({ item, deleted: false })));
    await refresh();

    const first = await index.search({ viewer: viewer('user'), q: '', tag, limit: 2 });
    expect(first.total).toBe(3);
    expect(first.data.map((hit) => hit.item.id)).toEqual([items[2].id, items[1].id]);
    expect(first.nextCursor).not.toBeNull();

    const second = await index.search({
      viewer: viewer('user'),
      q: '',
      tag,
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect(second.data.map((hit) => hit.item.id)).toEqual([items[0].id]);
    expect(second.nextCursor).toBeNull();
  });

  it('keeps the newer document when an older version arrives late, and tolerates missing deletes', async () => {
    const newer = buildItemDto({ title: 'Seed catalogue 2027', version: 5 });
    const older = { ...newer, title: 'Seed catalogue draft', version: 3 };
    await expect(index.write([{ item: newer, deleted: false }])).resolves.toEqual({ failed: [] });
    await expect(index.write([{ item: older, deleted: false }])).resolves.toEqual({ failed: [] });
    await expect(index.write([{ item: { ...newer, version: 4 }, deleted: true }])).resolves.toEqual(
      {
        failed: [],
      },
    );

    const stored = await client.get<ItemDto>({ index: alias, id: newer.id });
    expect(stored._version).toBe(5);
    expect(stored._source?.title).toBe('Seed catalogue 2027');

    await expect(
      index.write([
        { item: { ...newer, version: 6 }, deleted: true },
        { item: buildItemDto({ version: 2 }), deleted: true },
      ]),
    ).resolves.toEqual({ failed: [] });
    await expect(client.exists({ index: alias, id: newer.id })).resolves.toBe(false);
  });

  it('reports a document the mapping rejects as a non-retryable failure', async () => {
    const broken = buildItemDto({ createdAt: 'yesterday' });
    const result = await index.write([{ item: broken, deleted: false }]);
    expect(result.failed).toEqual([
      { id: broken.id, reason: expect.stringContaining('parsing') as unknown, retryable: false },
    ]);
  });

  it.each(['"unclosed', 'rust*', '+a -b', '(x', 'x~2', '/re/', 'back\\slash', '🦀', 'title:x^3'])(
    'answers %j without an error',
    async (q) => {
      await expect(index.search({ viewer: viewer('user'), q, limit: 5 })).resolves.toMatchObject({
        data: expect.any(Array) as unknown,
      });
    },
  );

  it('suggests distinct visible titles for a prefix', async () => {
    const title = `Zucchini ${randomBytes(3).toString('hex')} harvest`;
    await index.write([
      { item: buildItemDto({ title }), deleted: false },
      { item: buildItemDto({ title }), deleted: false },
      { item: buildItemDto({ title: `${title} private`, status: 'draft' }), deleted: false },
    ]);
    await refresh();

    await expect(
      index.suggest({ viewer: viewer('user'), prefix: title.slice(0, 12), limit: 10 }),
    ).resolves.toEqual([title]);
  });

  it('reindexes behind the alias: next generation, atomic swap, old index dropped', async () => {
    const item = buildItemDto({ title: 'Greenhouse heating' });
    await index.write([{ item, deleted: false }]);
    // Reindex reads through a scroll, which sees only refreshed documents.
    await refresh();

    const next = await admin.createNextIndex();
    expect(next).toBe(`${alias}_v2`);
    await client.reindex({
      source: { index: `${alias}_v1` },
      dest: { index: next, version_type: 'external' },
      refresh: true,
    });
    await admin.swapAlias(`${alias}_v1`, next);
    await expect(admin.currentIndex()).resolves.toBe(next);
    await admin.dropIndex(`${alias}_v1`);

    const page = await index.search({ viewer: viewer('user'), q: 'greenhouse', limit: 5 });
    expect(page.data.map((hit) => hit.item.id)).toEqual([item.id]);
  });

  it('rebuilds through the driver: writes land in the new generation only until publish', async () => {
    const kept = buildItemDto({ title: 'Orchard pruning', version: 2 });
    await index.write([{ item: kept, deleted: false }]);
    const rebuild = await index.rebuild();
    expect(rebuild.target).toBe(`${alias}_v3`);
    const copied = buildItemDto({ title: 'Orchard grafting', version: 4 });
    await rebuild.write([
      { item: kept, deleted: false },
      { item: copied, deleted: false },
    ]);
    // An older version arriving later (a slow copy) never overwrites a newer one.
    await rebuild.write([{ item: { ...copied, title: 'Stale', version: 3 }, deleted: false }]);
    await client.indices.refresh({ index: `${alias}_v3` });
    const before = await index.search({ viewer: viewer('user'), q: 'grafting', limit: 5 });
    expect(before.data).toEqual([]);

    await rebuild.publish();
    await rebuild.cleanup();
    await refresh();
    await expect(admin.currentIndex()).resolves.toBe(`${alias}_v3`);
    const after = await index.search({ viewer: viewer('user'), q: 'orchard', limit: 5 });
    expect(after.data.map((hit) => hit.item.title).sort()).toEqual([
      'Orchard grafting',
      'Orchard pruning',
    ]);
  });
});
