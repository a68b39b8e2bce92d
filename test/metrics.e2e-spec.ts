import { randomBytes, randomUUID } from 'node:crypto';
import { OutboxRelay } from '../src/modules/outbox/outbox.relay';
import {
  IndexWriteResult,
  SEARCH_INDEX,
  SearchIndex,
  SearchPage,
} from '../src/modules/search/search-index.port';
import { signUp, SignedIn } from './helpers/auth';
import { eventually } from './helpers/eventually';
import { createItem } from './helpers/items';
import { parsePrometheus, Sample, samplesOf, valueOf } from './helpers/prometheus';
import { connectSocket } from './helpers/socket';
import { startApp, type TestApp } from './helpers/test-app';
import { startAppWith } from './helpers/test-app-with';

const TOKEN = randomBytes(24).toString('hex');
const QUEUE_STATES = ['waiting', 'active', 'completed', 'failed', 'delayed'];

/** An index of kind 'elasticsearch', so that outbox events feed the search-index queue. */
class AcceptingIndex implements SearchIndex {
  readonly kind = 'elasticsearch' as const;
  search(): Promise<SearchPage> {
    return Promise.resolve({ data: [], total: 0, nextCursor: null });
  }
  suggest(): Promise<string[]> {
    return Promise.resolve([]);
  }
  write(): Promise<IndexWriteResult> {
    return Promise.resolve({ failed: [] });
  }
  ready(): Promise<boolean> {
    return Promise.resolve(true);
  }
  rebuild(): Promise<never> {
    return Promise.reject(new Error('not used by this test'));
  }
}

describe('GET /metrics', () => {
  let t: TestApp;
  let user: SignedIn;

  const scrape = async (): Promise<Sample[]> => {
    const res = await t.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    return parsePrometheus(res.text);
  };
  const queueTotal = (samples: Sample[]): number =>
    samplesOf(samples, 'keel_queue_jobs', { queue: 'search-index' }).reduce(
      (sum, s) => sum + s.value,
      0,
    );

  beforeAll(async () => {
    // WORKERS=off: the outbox relay waits until a test starts it, so pending events can be seen.
    t = await startAppWith(
      { METRICS_TOKEN: TOKEN, WORKERS: 'off', OUTBOX_SWEEP_MS: '100' },
      { providers: [{ provide: SEARCH_INDEX, useValue: new AcceptingIndex() }] },
    );
    user = await signUp(t.http);
  });
  afterAll(() => t?.close());

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', `Bearer ${randomBytes(24).toString('hex')}`],
    ['the token without the Bearer scheme', TOKEN],
  ])('answers 401 problem+json to %s', async (_, header) => {
    const req = t.http().get('/metrics');
    const res = await (header === undefined ? req : req.set('Authorization', header)).expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(res.body).toMatchObject({ status: 401, code: 'unauthorized', instance: '/metrics' });
    expect(res.text).not.toContain('process_cpu');
  });

  it("answers 401 to a user's access token: the metrics token is a separate credential", async () => {
    await t.http().get('/metrics').set('Authorization', user.bearer).expect(401);
  });

  it('serves the Prometheus text format with the token', async () => {
    const res = await t.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(parsePrometheus(res.text).length).toBeGreaterThan(50);
  });

  it("includes Node's default metrics", async () => {
    const samples = await scrape();
    expect(valueOf(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(1_000_000);
    expect(samplesOf(samples, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });

  it('times every response by route template and status, errors included, without raw ids', async () => {
    const item = await createItem(t.http, user.bearer);
    const missingId = randomUUID();
    const strayId = randomUUID();
    await t.http().get(`/items/${item.id}`).set('Authorization', user.bearer).expect(200);
    await t.http().get(`/items/${missingId}`).set('Authorization', user.bearer).expect(404);
    await t.http().get(`/items/${item.id}`).expect(401);
    await t.http().get(`/no-such-route/${strayId}`).expect(404);
    await t
      .http()
      .post('/items')
      .set('Authorization', user.bearer)
      .set('Content-Type', 'text/plain')
      .send('title=x')
      .expect(415);

    const samples = await scrape();
    const count = (labels: Record<string, string>): number =>
      valueOf(samples, 'http_request_duration_seconds_count', labels);
    expect(count({ method: 'GET', route: '/items/:id', status_code: '200' })).toBeGreaterThan(0);
    expect(count({ method: 'GET', route: '/items/:id', status_code: '404' })).toBeGreaterThan(0);
    expect(count({ method: 'GET', route: '/items/:id', status_code: '401' })).toBeGreaterThan(0);
    expect(count({ method: 'POST', route: '/items', status_code: '201' })).toBeGreaterThan(0);
    expect(count({ method: 'GET', route: 'unmatched', status_code: '404' })).toBeGreaterThan(0);
    expect(count({ method: 'POST', route: 'unmatched', status_code: '415' })).toBeGreaterThan(0);
    expect(
      valueOf(samples, 'http_request_duration_seconds_bucket', {
        method: 'GET',
        route: '/items/:id',
        status_code: '200',
        le: '+Inf',
      }),
    ).toBe(count({ method: 'GET', route: '/items/:id', status_code: '200' }));

    const labelValues = samples.flatMap((s) => Object.values(s.labels));
    for (const id of [item.id, missingId, strayId, user.id]) {
      expect(labelValues.filter((v) => v.includes(id))).toEqual([]);
    }
    const routes = new Set(
      samplesOf(samples, 'http_request_duration_seconds_count').map((s) => s.labels.route),
    );
    expect([...routes].filter((r) => r !== 'unmatched' && !r.startsWith('/'))).toEqual([]);
    expect([...routes].filter((r) => /[0-9a-f]{8}-[0-9a-f]{4}-/.test(r))).toEqual([]);
  });

  it('counts pending outbox events and search-index jobs as they move', async () => {
    const before = await scrape();
    const pendingBefore = valueOf(before, 'keel_outbox_pending');
    for (const state of QUEUE_STATES) {
      expect(
        valueOf(before, 'keel_queue_jobs', { queue: 'search-index', state }),
      ).toBeGreaterThanOrEqual(0);
    }

    await createItem(t.http, user.bearer);
    const written = await scrape();
    expect(valueOf(written, 'keel_outbox_pending')).toBe(pendingBefore + 1);
    const age = valueOf(written, 'keel_outbox_oldest_pending_age_seconds');
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60);

    t.app.get(OutboxRelay).start();
    await eventually(async () => {
      const after = await scrape();
      expect(valueOf(after, 'keel_outbox_pending')).toBe(0);
      expect(valueOf(after, 'keel_outbox_oldest_pending_age_seconds')).toBe(0);
      expect(queueTotal(after)).toBeGreaterThan(queueTotal(written));
    });
  });

  it('counts websocket connections of this process', async () => {
    expect(valueOf(await scrape(), 'keel_websocket_connections')).toBe(0);
    const s = await connectSocket(t.url, user.accessToken);
    try {
      await eventually(async () =>
        expect(valueOf(await scrape(), 'keel_websocket_connections')).toBe(1),
      );
    } finally {
      s.socket.close();
    }
    await eventually(async () =>
      expect(valueOf(await scrape(), 'keel_websocket_connections')).toBe(0),
    );
  });

  it('counts cache hits and misses of item reads', async () => {
    const item = await createItem(t.http, user.bearer);
    const before = await scrape();
    const hits = valueOf(before, 'keel_cache_operations_total', { result: 'hit' });
    const misses = valueOf(before, 'keel_cache_operations_total', { result: 'miss' });
    await t.http().get(`/items/${item.id}`).set('Authorization', user.bearer).expect(200);
    await t.http().get(`/items/${item.id}`).set('Authorization', user.bearer).expect(200);
    // The second read is a hit; the first may be one too (the realtime fan-out of the creation
    // reads the item through the same cache).
    const after = await scrape();
    const hitsAfter = valueOf(after, 'keel_cache_operations_total', { result: 'hit' });
    const missesAfter = valueOf(after, 'keel_cache_operations_total', { result: 'miss' });
    expect(hitsAfter).toBeGreaterThanOrEqual(hits + 1);
    expect(hitsAfter + missesAfter).toBeGreaterThanOrEqual(hits + misses + 2);
    expect(valueOf(after, 'keel_cache_operations_total', { result: 'error' })).toBe(0);
  });

  it('reports database pool usage', async () => {
    const samples = await scrape();
    const total = valueOf(samples, 'keel_db_pool_connections', { state: 'total' });
    const idle = valueOf(samples, 'keel_db_pool_connections', { state: 'idle' });
    const used = valueOf(samples, 'keel_db_pool_connections', { state: 'used' });
    expect(idle + used).toBe(total);
    expect(valueOf(samples, 'keel_db_pool_waiting_requests')).toBe(0);
    if (t.config.db.type === 'sqlite') {
      expect({ total, max: valueOf(samples, 'keel_db_pool_max_connections') }).toEqual({
        total: 1,
        max: 1,
      });
    } else {
      expect(total).toBeGreaterThanOrEqual(1);
      expect(valueOf(samples, 'keel_db_pool_max_connections')).toBe(t.config.db.poolSize);
    }
    expect(samplesOf(samples, 'keel_metrics_collector_errors_total')).toEqual([]);
  });

  it('is not part of the OpenAPI document', async () => {
    const spec = (await t.http().get('/docs-json').expect(200)).body as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(spec.paths).filter((p) => p.startsWith('/metrics'))).toEqual([]);
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t?.close());

  it('does not exist: 404 like any unknown route, whatever the Authorization', async () => {
    for (const header of [undefined, 'Bearer ', `Bearer ${TOKEN}`]) {
      const req = t.http().get('/metrics');
      const res = await (header === undefined ? req : req.set('Authorization', header)).expect(404);
      expect(res.body).toMatchObject({ status: 404, code: 'route_not_found' });
    }
  });
});
