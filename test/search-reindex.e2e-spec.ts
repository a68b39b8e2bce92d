import { DataSource } from 'typeorm';
import type { ReindexJobDto } from '../src/modules/indexing/dto/reindex-job.dto';
import { SEARCH_INDEX } from '../src/modules/search/search-index.port';
import { signInAdmin, signUp, type SignedIn } from './helpers/auth';
import { eventually } from './helpers/eventually';
import { FakeSearchIndex } from './helpers/fake-search-index';
import { createItem, type ItemBody } from './helpers/items';
import { startApp, type TestApp } from './helpers/test-app';
import { startAppWith } from './helpers/test-app-with';
import { provisionInfra, type TestInfra } from './helpers/test-database';

const profile = process.env.KEEL_TEST_PROFILE;
const FAST_OUTBOX = { OUTBOX_SWEEP_MS: '100', SEARCH_QUEUE_BACKOFF_MS: '50' };

async function startReindex(t: TestApp, admin: SignedIn): Promise<ReindexJobDto> {
  const res = await t
    .http()
    .post('/admin/search/reindex')
    .set('Authorization', admin.bearer)
    .expect(202);
  const job = res.body as ReindexJobDto;
  expect(res.headers.location).toBe(`/admin/search/reindex/${job.id}`);
  return job;
}

async function getJob(t: TestApp, admin: SignedIn, id: string): Promise<ReindexJobDto> {
  const res = await t
    .http()
    .get(`/admin/search/reindex/${id}`)
    .set('Authorization', admin.bearer)
    .expect(200);
  return res.body as ReindexJobDto;
}

function waitForEnd(t: TestApp, admin: SignedIn, id: string): Promise<ReindexJobDto> {
  return eventually(
    async () => {
      const job = await getJob(t, admin, id);
      expect(['completed', 'failed']).toContain(job.status);
      return job;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
}

describe('search reindex on the database driver', () => {
  let t: TestApp;
  let admin: SignedIn;
  let user: SignedIn;

  beforeAll(async () => {
    t = await startApp();
    admin = await signInAdmin(t.http);
    user = await signUp(t.http);
  });
  afterAll(() => t?.close());

  it('runs a job to completion and reports its progress', async () => {
    const items: ItemBody[] = [];
    for (let i = 0; i < 3; i += 1) {
      items.push(await createItem(t.http, user.bearer, { title: `Reindexed quokka ${i}` }));
    }
    await t.http().delete(`/items/${items[2].id}`).set('Authorization', user.bearer).expect(204);

    const queued = await startReindex(t, admin);
    expect(queued).toMatchObject({
      status: 'queued',
      phase: 'queued',
      driver: 'database',
      processed: 0,
      percent: 0,
      requestedBy: admin.id,
      finishedAt: null,
      error: null,
    });
    const done = await waitForEnd(t, admin, queued.id);
    expect(done).toMatchObject({
      id: queued.id,
      status: 'completed',
      phase: 'done',
      driver: 'database',
      total: 2,
      processed: 2,
      percent: 100,
      error: null,
    });
    expect(Date.parse(done.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(done.createdAt));

    const found = await t
      .http()
      .get('/search/items?q=quokka')
      .set('Authorization', user.bearer)
      .expect(200);
    expect((found.body as { total: number }).total).toBe(2);
  });

  (profile === 'sqlite' ? it : it.skip)(
    'rebuilds the SQLite FTS5 index from the items table',
    async () => {
      await createItem(t.http, user.bearer, { title: 'Wombat burrows' });
      // Lose the full-text index (as a VACUUM renumbering rowids would): search finds nothing.
      await t.app.get(DataSource).query(`INSERT INTO items_fts(items_fts) VALUES('delete-all')`);
      const lost = await t
        .http()
        .get('/search/items?q=wombat')
        .set('Authorization', user.bearer)
        .expect(200);
      expect((lost.body as { total: number }).total).toBe(0);

      const job = await startReindex(t, admin);
      expect((await waitForEnd(t, admin, job.id)).status).toBe('completed');
      const found = await t
        .http()
        .get('/search/items?q=wombat')
        .set('Authorization', user.bearer)
        .expect(200);
      expect((found.body as { total: number }).total).toBe(1);
    },
  );

  it('is for admins only, and answers 404/400 for unknown or malformed ids', async () => {
    await t.http().post('/admin/search/reindex').set('Authorization', user.bearer).expect(403);
    await t.http().post('/admin/search/reindex').expect(401);
    const missing = await t
      .http()
      .get('/admin/search/reindex/7d0f5a51-9a43-4a43-9a8e-2b0e4f1c6a11')
      .set('Authorization', admin.bearer)
      .expect(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    const malformed = await t
      .http()
      .get('/admin/search/reindex/not-a-uuid')
      .set('Authorization', admin.bearer)
      .expect(400);
    expect((malformed.body as { code: string }).code).toBe('validation_failed');
  });
});

describe('search reindex on an Elasticsearch-like index while writes go on', () => {
  let t: TestApp;
  let admin: SignedIn;
  let user: SignedIn;
  let fake: FakeSearchIndex;

  beforeAll(async () => {
    fake = new FakeSearchIndex();
    t = await startAppWith(
      { ...FAST_OUTBOX, REDIS_URL: '' },
      { providers: [{ provide: SEARCH_INDEX, useValue: fake }] },
    );
    admin = await signInAdmin(t.http);
    user = await signUp(t.http);
  });
  afterAll(() => t?.close());

  it('ends with every item at its latest version in the new generation, then swaps', async () => {
    const items: ItemBody[] = [];
    for (let i = 0; i < 20; i += 1) {
      items.push(await createItem(t.http, user.bearer, { title: `Before reindex ${i}` }));
    }
    await eventually(() => {
      for (const item of items) expect(fake.docs.get(item.id)?.version).toBe(item.version);
    });
    // Each write into the new generation takes a while, so the writes below overlap the copy,
    // the catch-up passes and the swap.
    fake.rebuildWriteDelayMs = 300;

    const job = await startReindex(t, admin);
    const conflict = await t
      .http()
      .post('/admin/search/reindex')
      .set('Authorization', admin.bearer)
      .expect(409);
    expect(conflict.body).toMatchObject({ code: 'reindex_already_active' });
    expect((conflict.body as { detail: string }).detail).toContain(job.id);

    let writes = 0;
    let done: ReindexJobDto | null = null;
    while (done === null) {
      const target = items[writes % items.length];
      if (writes % 7 === 3) {
        items.push(await createItem(t.http, user.bearer, { title: `During reindex ${writes}` }));
      } else if (writes % 11 === 5) {
        await t.http().delete(`/items/${target.id}`).set('Authorization', user.bearer);
      } else {
        await t
          .http()
          .patch(`/items/${target.id}`)
          .set('Authorization', user.bearer)
          .send({ title: `Changed ${writes}` });
      }
      writes += 1;
      const current = await getJob(t, admin, job.id);
      if (current.status === 'completed' || current.status === 'failed') done = current;
    }
    expect(done.status).toBe('completed');
    expect(done).toMatchObject({ sourceIndex: 'items_v1', targetIndex: 'items_v2' });
    expect(done.reapplied).toBeGreaterThan(0);
    expect(writes).toBeGreaterThan(5);
    expect(fake.alias).toBe('items_v2');
    expect(fake.generations.has('items_v1')).toBe(false);

    // Every item, as the database has it now, is in the live generation at that version.
    const rows = await t.app
      .get(DataSource)
      .query<Array<{ id: string; version: number | string; deleted_at: unknown }>>(
        'SELECT id, version, deleted_at FROM items',
      );
    await eventually(() => {
      for (const row of rows) {
        const doc = fake.docs.get(row.id);
        expect({ id: row.id, version: doc?.version, deleted: doc?.deleted }).toEqual({
          id: row.id,
          version: Number(row.version),
          deleted: row.deleted_at !== null,
        });
      }
    });
  }, 90_000);
});

describe('search reindex interrupted by a shutdown', () => {
  let infra: TestInfra;
  let first: TestApp | undefined;
  let second: TestApp | undefined;

  beforeAll(async () => {
    infra = await provisionInfra();
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await infra?.cleanup();
  });

  it('goes back to the queue and another process runs it to the end', async () => {
    const slow = new FakeSearchIndex();
    slow.rebuildWriteDelayMs = 3000;
    first = await startAppWith(
      { REDIS_URL: '' },
      { providers: [{ provide: SEARCH_INDEX, useValue: slow }] },
      infra,
    );
    const admin = await signInAdmin(first.http);
    const user = await signUp(first.http);
    const item = await createItem(first.http, user.bearer, { title: 'Survives a restart' });

    const job = await startReindex(first, admin);
    await eventually(async () =>
      expect((await getJob(first!, admin, job.id)).phase).toBe('copying'),
    );
    const closing = first.close();
    first = undefined;
    await closing;
    // The half-built generation was dropped; the live one was never touched.
    expect([...slow.generations.keys()]).toEqual(['items_v1']);

    const fresh = new FakeSearchIndex();
    second = await startAppWith(
      { REDIS_URL: '' },
      { providers: [{ provide: SEARCH_INDEX, useValue: fresh }] },
      infra,
    );
    // Each app signs with its own secret: sign in again.
    const done = await waitForEnd(second, await signInAdmin(second.http), job.id);
    expect(done).toMatchObject({ status: 'completed', targetIndex: 'items_v2', processed: 1 });
    expect(fresh.docs.get(item.id)?.version).toBe(item.version);
  }, 90_000);
});
