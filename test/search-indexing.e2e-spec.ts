import { DataSource } from 'typeorm';
import { FailedJobRecovery } from '../src/modules/indexing/failed-job-recovery';
import { SEARCH_INDEX, SearchIndex } from '../src/modules/search/search-index.port';
import { SEARCH_QUEUE, type SearchQueue } from '../src/modules/indexing/search-index.job';
import { signInAdmin, signUp, SignedIn } from './helpers/auth';
import { eventually } from './helpers/eventually';
import { dropRedisKeys, testKeyPrefix } from './helpers/redis-keys';
import { FakeSearchIndex } from './helpers/fake-search-index';
import { createItem, type ItemBody } from './helpers/items';
import { TcpProxy } from './helpers/tcp-proxy';
import type { TestApp } from './helpers/test-app';
import { startAppWith } from './helpers/test-app-with';
import { provisionInfra, TEST_REDIS_URL, type TestInfra } from './helpers/test-database';
import { describeWithRedis, redisAvailable } from './helpers/with-redis';

type Counts = Record<'waiting' | 'active' | 'completed' | 'failed' | 'delayed', number>;

const prefixOf = (): string => testKeyPrefix();

const QUEUE_ENV = {
  OUTBOX_SWEEP_MS: '100',
  SEARCH_QUEUE_ATTEMPTS: '3',
  SEARCH_QUEUE_BACKOFF_MS: '50',
};

type Driver = [string, () => Record<string, string>];
const BULL: Driver = ['bull', () => ({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefixOf() })];
const IN_PROCESS: Driver = ['in-process', () => ({ REDIS_URL: '' })];
const DRIVERS: Driver[] = redisAvailable ? [BULL, IN_PROCESS] : [IN_PROCESS];

describe.each(DRIVERS)('search indexing (%s queue)', (_driver, driverEnv) => {
  let t: TestApp;
  let fake: FakeSearchIndex;
  let admin: SignedIn;
  let user: SignedIn;
  const env = driverEnv();

  const counts = async (): Promise<Counts> => {
    const res = await t.http().get('/admin/queues').set('Authorization', admin.bearer).expect(200);
    const body = res.body as { queues: Array<{ name: string; counts: Counts }> };
    expect(body.queues.map((q) => q.name)).toEqual(['search-index']);
    return body.queues[0].counts;
  };

  beforeAll(async () => {
    fake = new FakeSearchIndex();
    t = await startAppWith(
      { ...QUEUE_ENV, ...env },
      { providers: [{ provide: SEARCH_INDEX, useValue: fake }] },
    );
    admin = await signInAdmin(t.http);
    user = await signUp(t.http);
  });
  afterAll(async () => {
    await t?.close();
    if (env.REDIS_KEY_PREFIX) await dropRedisKeys(env.REDIS_KEY_PREFIX);
  });

  it('indexes create, update and delete with the latest version and the deleted flag', async () => {
    const item = await createItem(t.http, user.bearer, { title: 'Indexed one' });
    await eventually(() =>
      expect(fake.docs.get(item.id)).toEqual({
        version: item.version,
        deleted: false,
        title: 'Indexed one',
      }),
    );
    const updated = await t
      .http()
      .patch(`/items/${item.id}`)
      .set('Authorization', user.bearer)
      .send({ title: 'Indexed two' })
      .expect(200);
    const v2 = (updated.body as { version: number }).version;
    await eventually(() =>
      expect(fake.docs.get(item.id)).toEqual({ version: v2, deleted: false, title: 'Indexed two' }),
    );
    await t.http().delete(`/items/${item.id}`).set('Authorization', user.bearer).expect(204);
    await eventually(() => {
      const doc = fake.docs.get(item.id);
      expect(doc?.deleted).toBe(true);
      expect(doc?.version).toBeGreaterThanOrEqual(v2);
    });
  });

  it('retries a retryable failure and shows the queue counts to admins', async () => {
    const item = await createItem(t.http, user.bearer, { title: 'Flaky write' });
    // Two failures before it can be written; attempts are 3 in this app.
    fake.failures.set(item.id, 2);
    // The job may already have run before the failures were armed: then write it again.
    fake.docs.delete(item.id);
    await t
      .http()
      .patch(`/items/${item.id}`)
      .set('Authorization', user.bearer)
      .send({ title: 'Flaky write 2' })
      .expect(200);
    await eventually(() => expect(fake.docs.get(item.id)?.title).toBe('Flaky write 2'));
    expect(fake.failures.get(item.id)).toBe(0);
    const c = await counts();
    expect(c.completed).toBeGreaterThan(0);
    for (const state of ['waiting', 'active', 'failed', 'delayed'] as const) {
      expect(typeof c[state]).toBe('number');
    }
  });

  it('keeps exhausted jobs as failed until an admin retries them', async () => {
    const before = (await counts()).failed;
    const item = await createItem(t.http, user.bearer, { title: 'Never written' });
    fake.failures.set(item.id, 10);
    fake.docs.delete(item.id);
    await t
      .http()
      .patch(`/items/${item.id}`)
      .set('Authorization', user.bearer)
      .send({ title: 'Never written 2' })
      .expect(200);
    await eventually(async () => expect((await counts()).failed).toBeGreaterThan(before));
    expect(fake.docs.get(item.id)?.title).not.toBe('Never written 2');

    fake.failures.set(item.id, 0);
    const res = await t
      .http()
      .post('/admin/queues/search-index/retry-failed')
      .set('Authorization', admin.bearer)
      .expect(200);
    expect((res.body as { retried: number }).retried).toBeGreaterThan(0);
    await eventually(() => expect(fake.docs.get(item.id)?.title).toBe('Never written 2'));
    await eventually(async () => expect((await counts()).failed).toBe(0));
  });

  it('retries failed jobs by itself once the index is ready again', async () => {
    const recovery = t.app.get(FailedJobRecovery);
    const item = await createItem(t.http, user.bearer, { title: 'Outlived its attempts' });
    fake.failures.set(item.id, 10);
    fake.docs.delete(item.id);
    await t
      .http()
      .patch(`/items/${item.id}`)
      .set('Authorization', user.bearer)
      .send({ title: 'Outlived its attempts 2' })
      .expect(200);
    await eventually(async () => expect((await counts()).failed).toBeGreaterThan(0));

    // Still unreachable: nothing is retried (it would only fail again).
    fake.up = false;
    await expect(recovery.runOnce()).resolves.toBe(0);
    expect((await counts()).failed).toBeGreaterThan(0);

    fake.up = true;
    fake.failures.set(item.id, 0);
    await expect(recovery.runOnce()).resolves.toBeGreaterThan(0);
    await eventually(() => expect(fake.docs.get(item.id)?.title).toBe('Outlived its attempts 2'));
    await eventually(async () => expect((await counts()).failed).toBe(0));
  });

  it('refuses the admin routes to non-admins', async () => {
    await t.http().get('/admin/queues').set('Authorization', user.bearer).expect(403);
    await t
      .http()
      .post('/admin/queues/search-index/retry-failed')
      .set('Authorization', user.bearer)
      .expect(403);
    await t.http().get('/admin/queues').expect(401);
  });
});

describeWithRedis('search indexing while Redis is unreachable', () => {
  let t: TestApp;
  let fake: FakeSearchIndex;
  let proxy: TcpProxy;
  let user: SignedIn;
  const prefix = prefixOf();

  beforeAll(async () => {
    const redis = new URL(TEST_REDIS_URL);
    proxy = await new TcpProxy(redis.hostname, Number(redis.port || 6379)).start();
    fake = new FakeSearchIndex();
    t = await startAppWith(
      {
        ...QUEUE_ENV,
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
        REDIS_KEY_PREFIX: prefix,
      },
      { providers: [{ provide: SEARCH_INDEX, useValue: fake }] },
    );
    user = await signUp(t.http);
  });
  afterAll(async () => {
    proxy?.restore();
    await t?.close();
    await proxy?.stop();
    await dropRedisKeys(prefix);
  });

  it('indexes every item written during the outage once Redis is back', async () => {
    const first = await createItem(t.http, user.bearer, { title: 'Before the outage' });
    await eventually(() => expect(fake.docs.get(first.id)?.version).toBe(first.version));

    proxy.cut();
    const written: ItemBody[] = [];
    for (let i = 0; i < 5; i += 1) {
      written.push(await createItem(t.http, user.bearer, { title: `During the outage ${i}` }));
    }
    // Nothing can be enqueued while Redis is away.
    expect(written.some((item) => fake.docs.has(item.id))).toBe(false);

    proxy.restore();
    await eventually(
      () => {
        for (const item of written) expect(fake.docs.get(item.id)?.version).toBe(item.version);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    // They got there through the outbox retrying the enqueue, not by luck of timing.
    const rows = await t.app.get(DataSource).query<Array<{ attempts: number | string }>>(
      `SELECT attempts FROM outbox WHERE aggregate_id IN (${written.map(() => '?').join(', ')})`,
      written.map((item) => item.id),
    );
    expect(rows.some((row) => Number(row.attempts) > 0)).toBe(true);
  }, 60_000);
});

describeWithRedis('search indexing with WORKERS=off', () => {
  let infra: TestInfra;
  let api: TestApp;
  let worker: TestApp | undefined;
  const apiIndex = new FakeSearchIndex();
  const workerIndex = new FakeSearchIndex();
  const env = {
    ...QUEUE_ENV,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefixOf(),
  };

  beforeAll(async () => {
    infra = await provisionInfra();
    api = await startAppWith(
      { ...env, WORKERS: 'off' },
      { providers: [{ provide: SEARCH_INDEX, useValue: apiIndex }] },
      infra,
    );
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await infra?.cleanup();
    await dropRedisKeys(env.REDIS_KEY_PREFIX);
  });

  it('leaves jobs waiting for a process that runs the workers', async () => {
    const admin = await signInAdmin(api.http);
    const item = await createItem(api.http, admin.bearer, { title: 'Waiting for a worker' });
    await api.app
      .get<SearchQueue>(SEARCH_QUEUE)
      .enqueue([{ itemId: item.id, version: item.version }]);
    const res = await api
      .http()
      .get('/admin/queues')
      .set('Authorization', admin.bearer)
      .expect(200);
    const counts = (res.body as { queues: Array<{ counts: Record<string, number> }> }).queues[0]
      .counts;
    expect(counts.waiting + counts.active).toBe(1);

    worker = await startAppWith(
      env,
      { providers: [{ provide: SEARCH_INDEX, useValue: workerIndex }] },
      infra,
    );
    await eventually(() => expect(workerIndex.docs.get(item.id)?.version).toBe(item.version));
    expect(apiIndex.docs.size).toBe(0);
  });
});

describe('search index binding with ELASTICSEARCH_NODE set', () => {
  let t: TestApp | undefined;
  afterAll(() => t?.close());

  it('binds the Elasticsearch driver and boots while Elasticsearch is down', async () => {
    const down = await new TcpProxy('127.0.0.1', 9).start();
    down.cut();
    try {
      t = await startAppWith({ ELASTICSEARCH_NODE: `http://127.0.0.1:${down.port}` });
      expect(t.app.get<SearchIndex>(SEARCH_INDEX).kind).toBe('elasticsearch');
      await t.http().get('/health/live').expect(200);
    } finally {
      await down.stop();
    }
  });
});
