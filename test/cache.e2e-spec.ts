import { AppCache } from '../src/cache/app-cache.service';
import { signUp, SignedIn } from './helpers/auth';
import { eventually } from './helpers/eventually';
import { TcpProxy } from './helpers/tcp-proxy';
import { startApp, TestApp } from './helpers/test-app';
import { TEST_REDIS_URL } from './helpers/test-database';
import { describeWithRedis } from './helpers/with-redis';

interface Item {
  id: string;
  title: string;
  version: number;
}

/**
 * The Redis cache store behind a proxy the test can cut: Redis "goes away" with its data intact,
 * which is the case where a stale entry could survive an outage.
 */
describeWithRedis('cache on Redis, and Redis going away', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let user: SignedIn;

  beforeAll(async () => {
    const redis = new URL(TEST_REDIS_URL);
    proxy = await new TcpProxy(redis.hostname, Number(redis.port || 6379)).start();
    t = await startApp({
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      REDIS_KEY_PREFIX: `keel-test-cache-${Date.now()}:`,
      CACHE_TIMEOUT_MS: '200',
    });
    user = await signUp(t.http);
  });
  afterAll(async () => {
    await t.close();
    await proxy.stop();
  });

  const read = (id: string) => t.http().get(`/items/${id}`).set('Authorization', user.bearer);

  it('serves reads from the cache when warm', async () => {
    const created = (
      await t
        .http()
        .post('/items')
        .set('Authorization', user.bearer)
        .send({ title: 'Cached' })
        .expect(201)
    ).body as Item;
    const stats = t.app.get(AppCache).stats;
    await read(created.id).expect(200);
    const hits = stats.hits;
    await read(created.id).expect(200);
    expect(stats.hits).toBeGreaterThan(hits);
  });

  it('keeps answering reads and writes while Redis is unreachable, and never serves a stale entry after', async () => {
    const created = (
      await t
        .http()
        .post('/items')
        .set('Authorization', user.bearer)
        .send({ title: 'v1' })
        .expect(201)
    ).body as Item;
    await read(created.id).expect(200); // warm: v1 is now in Redis
    const errorsBefore = t.app.get(AppCache).stats.errors;

    proxy.cut();
    const started = Date.now();
    await read(created.id).expect(200);
    await t
      .http()
      .patch(`/items/${created.id}`)
      .set('Authorization', user.bearer)
      .send({ title: 'v2' })
      .expect(200);
    const during = (await read(created.id).expect(200)).body as Item;
    expect(during).toMatchObject({ title: 'v2', version: 2 });
    await t.http().get('/users/me').set('Authorization', user.bearer).expect(200);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(t.app.get(AppCache).stats.errors).toBeGreaterThan(errorsBefore);

    proxy.restore();
    // The invalidation that failed during the outage is retried; until then the key is bypassed.
    for (let i = 0; i < 5; i += 1) {
      expect((await read(created.id).expect(200)).body).toMatchObject({ title: 'v2', version: 2 });
    }
    await eventually(async () => {
      const before = t.app.get(AppCache).stats.hits;
      expect((await read(created.id).expect(200)).body).toMatchObject({ title: 'v2' });
      expect(t.app.get(AppCache).stats.hits).toBeGreaterThan(before);
    });
  });
});

describe('cache with Redis down from the start', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ REDIS_URL: 'redis://127.0.0.1:1', CACHE_TIMEOUT_MS: '200' });
  });
  afterAll(() => t.close());

  it('every route still answers from the database', async () => {
    const user = await signUp(t.http);
    const created = (
      await t
        .http()
        .post('/items')
        .set('Authorization', user.bearer)
        .send({ title: 'No cache' })
        .expect(201)
    ).body as Item;
    await t.http().get(`/items/${created.id}`).set('Authorization', user.bearer).expect(200);
    await t
      .http()
      .patch(`/items/${created.id}`)
      .set('Authorization', user.bearer)
      .send({ title: 'Still fine' })
      .expect(200);
    expect(
      (await t.http().get(`/items/${created.id}`).set('Authorization', user.bearer).expect(200))
        .body,
    ).toMatchObject({ title: 'Still fine' });
    await t.http().get('/items').set('Authorization', user.bearer).expect(200);
  });
});
