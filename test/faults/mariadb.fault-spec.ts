import type { Response } from 'supertest';
import { signUp, type SignedIn } from '../helpers/auth';
import { eventually } from '../helpers/eventually';
import { createItem, type ItemBody } from '../helpers/items';
import type { TestApp } from '../helpers/test-app';
import { startAppWith } from '../helpers/test-app-with';
import { proxiedDatabase, report, timed, type ProxiedDatabase } from './support';

/** The bound: a request that needs an unreachable database is answered within 2 s. */
const BOUND_MS = 2000;

/**
 * MariaDB behind a proxy the test cuts (connections reset, new ones refused) or blackholes
 * (connections accepted and kept, nothing answered). Requests that need the database get a 503
 * problem+json with Retry-After within 2 s with the default timeouts; once MariaDB is reachable
 * again the same app serves them again by itself, with everything written before intact.
 */
describe('MariaDB unreachable', () => {
  let db: ProxiedDatabase;
  let t: TestApp;
  let user: SignedIn;
  const before: ItemBody[] = [];
  const figures: Record<string, unknown> = {};

  /** A client that gives up after 5 s: a hanging request fails the test instead of stalling it. */
  const CLIENT_TIMEOUT_MS = 5000;
  /** Routes that cannot be answered without the database (not from a cache). */
  const needsDatabase: Array<[string, () => Promise<Response>]> = [
    [
      'GET /items',
      () => t.http().get('/items').set('Authorization', user.bearer).timeout(CLIENT_TIMEOUT_MS),
    ],
    [
      'POST /items',
      () =>
        t
          .http()
          .post('/items')
          .set('Authorization', user.bearer)
          .send({ title: 'During the outage', body: 'x', tags: [], status: 'published' })
          .timeout(CLIENT_TIMEOUT_MS),
    ],
    [
      'GET /users/me',
      () => t.http().get('/users/me').set('Authorization', user.bearer).timeout(CLIENT_TIMEOUT_MS),
    ],
  ];

  beforeAll(async () => {
    db = await proxiedDatabase();
    // Default DB_CONNECT_TIMEOUT_MS / DB_QUERY_TIMEOUT_MS: the bound must hold as shipped.
    t = await startAppWith({ DATABASE_URL: db.databaseUrl }, {}, db.infra);
    user = await signUp(t.http);
    for (let i = 0; i < 3; i += 1) {
      before.push(await createItem(t.http, user.bearer, { title: `Before the outage ${i}` }));
    }
  });

  // A failed test must not leave the next one without a database.
  afterEach(() => db.proxy.restore());

  afterAll(async () => {
    report('mariadb', figures);
    db?.proxy.restore();
    await t?.close();
    await db?.proxy.stop();
    await db?.infra.cleanup();
  });

  async function expectUnavailable(label: string): Promise<number[]> {
    const elapsed: number[] = [];
    // Twice: the first request may find pooled connections, the second needs a new one.
    for (let round = 0; round < 2; round += 1) {
      for (const [route, send] of needsDatabase) {
        const { value: res, ms } = await timed(send);
        elapsed.push(ms);
        expect({ route, status: res.status }).toEqual({ route, status: 503 });
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        expect(res.body).toMatchObject({ status: 503, code: 'service_unavailable' });
        expect({ route, ms: ms < BOUND_MS }).toEqual({ route, ms: true });
      }
    }
    // An item already in the cache needs no database (the session is cached too).
    await t.http().get(`/items/${before[0].id}`).set('Authorization', user.bearer).expect(200);
    const ready = await timed(() => t.http().get('/health/ready'));
    expect(ready.value.status).toBe(503);
    expect(ready.ms).toBeLessThan(BOUND_MS);
    await t.http().get('/health/live').expect(200);
    figures[`${label}: ms to 503 (each request)`] = elapsed;
    figures[`${label}: ms to 503 /health/ready`] = ready.ms;
    return elapsed;
  }

  async function expectRecovered(label: string): Promise<void> {
    const started = performance.now();
    await eventually(
      async () => {
        for (const [route, send] of needsDatabase) {
          const res = await send();
          expect({ route, ok: res.status < 300 }).toEqual({ route, ok: true });
        }
        await t.http().get('/health/ready').expect(200);
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    figures[`${label}: ms to recover after restore`] = Math.round(performance.now() - started);
    for (const item of before) {
      const res = await t.http().get(`/items/${item.id}`).set('Authorization', user.bearer);
      expect(res.status).toBe(200);
      expect((res.body as ItemBody).title).toBe(item.title);
    }
    const written = await createItem(t.http, user.bearer, { title: `After ${label}` });
    await t.http().get(`/items/${written.id}`).set('Authorization', user.bearer).expect(200);
  }

  it('answers 503 with Retry-After within 2 s while connections are reset, then recovers', async () => {
    // Served normally first, so the pool holds live connections when they are cut.
    for (const [, send] of needsDatabase) expect((await send()).status).toBeLessThan(300);
    await t.http().get(`/items/${before[0].id}`).set('Authorization', user.bearer).expect(200);
    db.proxy.cut({ reset: true });
    await expectUnavailable('cut');
    db.proxy.restore();
    await expectRecovered('cut');
  }, 60_000);

  it('answers 503 with Retry-After within 2 s while MariaDB is blackholed, then recovers', async () => {
    for (const [, send] of needsDatabase) expect((await send()).status).toBeLessThan(300);
    db.proxy.blackhole();
    await expectUnavailable('blackhole');
    db.proxy.restore();
    await expectRecovered('blackhole');
  }, 60_000);
});
