import { randomBytes } from 'node:crypto';
import { AppCache } from '../src/cache/app-cache.service';
import { CacheInvalidationBus } from '../src/cache/cache-invalidation.bus';
import { signUp, SignedIn } from './helpers/auth';
import { eventually } from './helpers/eventually';
import { createItem, ItemBody } from './helpers/items';
import { dropRedisKeys } from './helpers/redis-keys';
import { TcpProxy } from './helpers/tcp-proxy';
import { startApp, TestApp } from './helpers/test-app';
import { TEST_REDIS_URL } from './helpers/test-database';
import { describeWithRedis } from './helpers/with-redis';

/**
 * Long enough that an entry left behind by a missing invalidation would still be served when the
 * test looks: every "fresh within" below is far shorter, so only the invalidation can pass them.
 */
const NEAR_TTL_MS = 60_000;
/** How soon the other instance must have heard an invalidation (pub/sub, same machine). */
const HEARD_WITHIN_MS = 2_000;

/**
 * Two API processes on one database and one Redis, each with a near cache. B reaches Redis through
 * a proxy the test can cut, so B alone loses Redis (and with it the invalidations A publishes).
 */
describeWithRedis('near cache across two instances', () => {
  let proxy: TcpProxy;
  let a: TestApp;
  let b: TestApp;
  let owner: SignedIn;
  const prefix = `keel-test-near-${randomBytes(4).toString('hex')}:`;

  beforeAll(async () => {
    const redis = new URL(TEST_REDIS_URL);
    proxy = await new TcpProxy(redis.hostname, Number(redis.port || 6379)).start();
    const shared = {
      REDIS_KEY_PREFIX: prefix,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      CACHE_NEAR_TTL_MS: String(NEAR_TTL_MS),
      CACHE_TIMEOUT_MS: '200',
    };
    a = await startApp({ ...shared, REDIS_URL: TEST_REDIS_URL });
    b = await startApp({ ...shared, REDIS_URL: `redis://127.0.0.1:${proxy.port}` }, a.infra);
    await eventually(() => expect(b.app.get(CacheInvalidationBus).live).toBe(true));
    owner = await signUp(a.http);
  });

  afterAll(async () => {
    proxy?.restore();
    await b?.close();
    await a?.close();
    await proxy?.stop();
    await dropRedisKeys(prefix);
  });

  const read = (t: TestApp, id: string, bearer = owner.bearer) =>
    t.http().get(`/items/${id}`).set('Authorization', bearer);
  const nearHits = (t: TestApp): number => t.app.get(AppCache).stats.nearHits;

  /** Reads the item on `t` until one read is served by its near cache. */
  async function warmNear(t: TestApp, id: string): Promise<void> {
    await read(t, id).expect(200);
    const before = nearHits(t);
    await read(t, id).expect(200);
    expect(nearHits(t)).toBeGreaterThan(before);
  }

  async function rename(t: TestApp, id: string, title: string): Promise<ItemBody> {
    const res = await t
      .http()
      .patch(`/items/${id}`)
      .set('Authorization', owner.bearer)
      .send({ title })
      .expect(200);
    return res.body as ItemBody;
  }

  it('a change through A reaches B near cache at once, and A never serves the old state', async () => {
    const item = await createItem(a.http, owner.bearer, { title: 'v1' });
    await warmNear(a, item.id);
    await warmNear(b, item.id);

    const changed = await rename(a, item.id, 'v2');
    // Within the instance that made the change: never the old state, not even once.
    expect((await read(a, item.id).expect(200)).body).toEqual(changed);
    // The other instance: the new state well inside the near TTL.
    await eventually(
      async () => expect((await read(b, item.id).expect(200)).body).toEqual(changed),
      {
        timeoutMs: HEARD_WITHIN_MS,
      },
    );
    // ...and it is cached again there (the invalidation did not switch the near cache off).
    const before = nearHits(b);
    expect((await read(b, item.id).expect(200)).body).toEqual(changed);
    expect(nearHits(b)).toBeGreaterThan(before);
  });

  it('a change through B reaches A too, and an If-Match write checks the stored version', async () => {
    const item = await createItem(a.http, owner.bearer, { title: 'v1' });
    await warmNear(a, item.id);
    const staleEtag = (await read(a, item.id).expect(200)).headers.etag;
    const changed = await rename(b, item.id, 'v2');
    await eventually(
      async () => expect((await read(a, item.id).expect(200)).body).toEqual(changed),
      {
        timeoutMs: HEARD_WITHIN_MS,
      },
    );
    // The old ETag is refused on either instance, whatever their caches hold.
    expect(staleEtag).toBeTruthy();
    for (const t of [a, b]) {
      await t
        .http()
        .patch(`/items/${item.id}`)
        .set('Authorization', owner.bearer)
        .set('If-Match', staleEtag)
        .send({ title: 'lost update' })
        .expect(412);
    }
  });

  it('sign-out-everywhere through A refuses the old token on B at once', async () => {
    const user = await signUp(a.http);
    // The cut-off has one-second resolution: a token from the same second would stay valid.
    const issuedAt = tokenIssuedAt(user.accessToken);
    await eventually(() => expect(Date.now()).toBeGreaterThanOrEqual((issuedAt + 1) * 1000), {
      timeoutMs: 2_000,
    });
    const me = (t: TestApp) => t.http().get('/users/me').set('Authorization', user.bearer);
    for (const t of [a, b]) {
      await me(t).expect(200);
      const before = nearHits(t);
      await me(t).expect(200);
      expect(nearHits(t)).toBeGreaterThan(before);
    }

    await a.http().post('/auth/logout-all').set('Authorization', user.bearer).expect(204);
    await me(a).expect(401);
    await eventually(() => me(b).expect(401), { timeoutMs: HEARD_WITHIN_MS });
  });

  it('with Redis gone from B, B stops using its near cache and never serves a change late', async () => {
    const item = await createItem(a.http, owner.bearer, { title: 'before the outage' });
    await warmNear(b, item.id);

    proxy.cut();
    try {
      await eventually(() => expect(b.app.get(CacheInvalidationBus).live).toBe(false));
      // A's invalidation cannot reach B now; B must not answer from what it held.
      const changed = await rename(a, item.id, 'during the outage');
      expect((await read(b, item.id).expect(200)).body).toEqual(changed);
      const before = nearHits(b);
      await read(b, item.id).expect(200);
      expect(nearHits(b)).toBe(before);
    } finally {
      proxy.restore();
    }

    // Back: B listens again and uses its near cache again, with the current state.
    await eventually(() => expect(b.app.get(CacheInvalidationBus).live).toBe(true));
    const latest = (await read(a, item.id).expect(200)).body as ItemBody;
    await eventually(async () => {
      const before = nearHits(b);
      expect((await read(b, item.id).expect(200)).body).toEqual(latest);
      expect(nearHits(b)).toBeGreaterThan(before);
    });
  });
});

function tokenIssuedAt(token: string): number {
  const payload: unknown = JSON.parse(
    Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
  );
  const iat = (payload as { iat?: unknown }).iat;
  if (typeof iat !== 'number') throw new Error('access token without iat');
  return iat;
}
