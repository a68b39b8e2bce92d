import { DataSource } from 'typeorm';
import { AppCache } from '../../src/cache/app-cache.service';
import { SEARCH_INDEX } from '../../src/modules/search/search-index.port';
import { signUp, type SignedIn } from '../helpers/auth';
import { eventually } from '../helpers/eventually';
import { FakeSearchIndex } from '../helpers/fake-search-index';
import { createItem, type ItemBody } from '../helpers/items';
import { connectSocket, request, type TestSocket } from '../helpers/socket';
import type { TestApp } from '../helpers/test-app';
import { startAppWith } from '../helpers/test-app-with';
import type { TcpProxy } from '../helpers/tcp-proxy';
import { dropRedisKeys, proxiedRedis, report, timed } from './support';

interface ItemMessage {
  item: { id: string };
  version: number;
}

const CACHE_TIMEOUT_MS = 250;
/** Added to every chunk each way while Redis is "slow": one Redis round trip takes twice this. */
const REDIS_LATENCY_MS = 1000;

/**
 * Redis (cache, Bull queue, socket.io adapter, rate-limit counters) behind a proxy the test cuts
 * and slows while items are written. Requests keep being answered (the cache degrades to the
 * database, enqueueing fails into the outbox); once Redis is back every write is indexed at its
 * latest version and every event reaches a connected client once, in version order.
 */
describe('Redis cut and slow during writes', () => {
  let t: TestApp;
  let proxy: TcpProxy;
  let prefix: string;
  let fake: FakeSearchIndex;
  let user: SignedIn;
  let feed: TestSocket;
  /** Each item's latest state as the API answered it (deleted: answered 204). */
  const latest = new Map<string, { version: number; deleted: boolean }>();
  const figures: Record<string, unknown> = {};
  /** The slowest answer per route in the current phase. */
  let slowest: Record<string, number> = {};

  const pendingOutbox = async (): Promise<number> => {
    const [row] = await t.app
      .get(DataSource)
      .query<Array<{ n: number | string }>>(
        'SELECT COUNT(*) AS n FROM outbox WHERE dispatched_at IS NULL',
      );
    return Number(row.n);
  };

  const remember = (item: ItemBody): void => {
    latest.set(item.id, { version: item.version, deleted: false });
  };

  /** One round of reads and writes; every answer must be a success. Returns each request's ms. */
  async function workload(round: number): Promise<number[]> {
    const ms: number[] = [];
    const ok = async (label: string, send: () => Promise<{ status: number; body: unknown }>) => {
      const r = await timed(send);
      ms.push(r.ms);
      slowest[label] = Math.max(slowest[label] ?? 0, r.ms);
      expect({ label, status: r.value.status < 300 }).toEqual({ label, status: true });
      return r.value.body;
    };
    const auth = user.bearer;
    const created = (await ok('POST /items', () =>
      t
        .http()
        .post('/items')
        .set('Authorization', auth)
        .send({ title: `Round ${round}`, body: 'b', tags: ['fault'], status: 'published' }),
    )) as ItemBody;
    remember(created);
    const live = [...latest].filter(([, s]) => !s.deleted).map(([id]) => id);
    for (const id of live.slice(-3)) {
      const updated = (await ok('PATCH /items/:id', () =>
        t
          .http()
          .patch(`/items/${id}`)
          .set('Authorization', auth)
          .send({ title: `Updated in round ${round}` }),
      )) as ItemBody;
      remember(updated);
      await ok('GET /items/:id', () => t.http().get(`/items/${id}`).set('Authorization', auth));
    }
    await ok('GET /items', () => t.http().get('/items').set('Authorization', auth));
    await ok('GET /search/items', () =>
      t.http().get('/search/items').query({ q: 'round' }).set('Authorization', auth),
    );
    if (round % 3 === 2) {
      const victim = live[0];
      await ok('DELETE /items/:id', () =>
        t.http().delete(`/items/${victim}`).set('Authorization', auth),
      );
      const state = latest.get(victim);
      if (state) latest.set(victim, { version: state.version, deleted: true });
    }
    return ms;
  }

  beforeAll(async () => {
    const redis = await proxiedRedis();
    proxy = redis.proxy;
    prefix = redis.env.REDIS_KEY_PREFIX;
    fake = new FakeSearchIndex();
    t = await startAppWith(
      {
        ...redis.env,
        CACHE_TIMEOUT_MS: String(CACHE_TIMEOUT_MS),
        OUTBOX_SWEEP_MS: '100',
        SEARCH_QUEUE_ATTEMPTS: '3',
        SEARCH_QUEUE_BACKOFF_MS: '50',
      },
      { providers: [{ provide: SEARCH_INDEX, useValue: fake }] },
    );
    user = await signUp(t.http);
    feed = await connectSocket(t.url, user.accessToken);
    expect(await request(feed.socket, 'feed:subscribe')).toEqual({ ok: true });
    for (let i = 0; i < 3; i += 1) remember(await createItem(t.http, user.bearer));
    await eventually(() => {
      for (const [id, { version }] of latest) expect(fake.docs.get(id)?.version).toBe(version);
    });
  });

  afterAll(async () => {
    report('redis', figures);
    feed?.socket.close();
    proxy?.restore();
    await t?.close();
    await proxy?.stop();
    if (prefix) await dropRedisKeys(prefix);
  });

  it('does not hold requests for a slow Redis beyond the cache timeout', async () => {
    // First, while every Redis client is connected: they wait for answers instead of failing fast.
    const cache = t.app.get(AppCache);
    const errorsBefore = cache.stats.errors;
    proxy.slow(REDIS_LATENCY_MS);
    const ms: number[] = [];
    for (let round = 0; round < 3; round += 1) ms.push(...(await workload(round)));
    figures['slow: requests'] = ms.length;
    figures['slow: max ms per route'] = slowest;
    slowest = {};
    figures['slow: max ms per request'] = Math.max(...ms);
    figures['slow: cache calls given up'] = cache.stats.errors - errorsBefore;
    // The cache did wait for the slow Redis, and gave up after its timeout each time...
    expect(cache.stats.errors - errorsBefore).toBeGreaterThan(0);
    // ...so no request waited for a Redis round trip (2 × 1000 ms). A request makes up to three
    // cache calls in a row (session get and set, item get/set/invalidate), each bounded by 250 ms.
    expect(Math.max(...ms)).toBeLessThan(2 * REDIS_LATENCY_MS);
    proxy.restore();
  }, 60_000);

  it('keeps answering reads and writes while Redis is cut; the outbox holds the events', async () => {
    proxy.cut();
    const ms: number[] = [];
    for (let round = 3; round < 9; round += 1) ms.push(...(await workload(round)));
    const pending = await pendingOutbox();
    expect(pending).toBeGreaterThan(0);
    // Readiness reports Redis down in its body but stays 200: the database still answers.
    const ready = await t.http().get('/health/ready').expect(200);
    expect((ready.body as { degraded: string[] }).degraded).toEqual(['redis']);
    await t.http().get('/health/live').expect(200);
    figures['cut: requests'] = ms.length;
    figures['cut: max ms per request'] = Math.max(...ms);
    figures['cut: outbox pending at the end of the outage'] = pending;
  }, 60_000);

  it('indexes every item at its latest version and delivers every event once, in order', async () => {
    proxy.restore();
    const restored = performance.now();
    await eventually(
      () => {
        for (const [id, { version, deleted }] of latest) {
          const doc = fake.docs.get(id);
          expect({ id, deleted: doc?.deleted }).toEqual({ id, deleted });
          if (!deleted) expect({ id, version: doc?.version }).toEqual({ id, version });
        }
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    figures['ms after restore until everything is indexed'] = Math.round(
      performance.now() - restored,
    );
    await eventually(async () => expect(await pendingOutbox()).toBe(0), { timeoutMs: 30_000 });
    figures['ms after restore until the outbox is empty'] = Math.round(
      performance.now() - restored,
    );

    // Every created/updated version of every item, once each and in order. A socket receives the
    // last events a moment after their rows are marked dispatched, so this is polled too.
    await eventually(
      () => {
        const versions = new Map<string, number[]>();
        for (const { event, payload } of feed.received) {
          if (event !== 'item.created' && event !== 'item.updated') continue;
          const message = payload as ItemMessage;
          versions.set(message.item.id, [
            ...(versions.get(message.item.id) ?? []),
            message.version,
          ]);
        }
        for (const [id, { version }] of latest) {
          // Version 1 is item.created, each PATCH one more item.updated (a deletion is item.deleted).
          const expected = Array.from({ length: version }, (_, i) => i + 1);
          expect({ id, versions: versions.get(id) ?? [] }).toEqual({ id, versions: expected });
        }
        const deletions = feed.received.filter((r) => r.event === 'item.deleted').length;
        expect(deletions).toBe([...latest.values()].filter((s) => s.deleted).length);
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
  }, 60_000);
});
