import { Test, type TestingModule } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/configuration';
import type { SearchIndexJob } from '../src/modules/indexing/search-index.job';
import { SearchIndexProcessor } from '../src/modules/indexing/search-index.processor';
import { SEARCH_INDEX } from '../src/modules/search/search-index.port';
import { workerConfig } from '../src/worker';
import { WorkerModule } from '../src/worker.module';
import { signUp, type SignedIn } from './helpers/auth';
import { eventually } from './helpers/eventually';
import { FakeSearchIndex } from './helpers/fake-search-index';
import { createItem, type ItemBody } from './helpers/items';
import { connectSocket, request, type TestSocket } from './helpers/socket';
import type { TestApp } from './helpers/test-app';
import { startAppWith } from './helpers/test-app-with';
import { TestEventHandler } from './helpers/test-event-handler';
import {
  currentProfile,
  provisionInfra,
  TEST_REDIS_URL,
  type TestInfra,
} from './helpers/test-database';
import { testEnv } from './helpers/test-app';

/**
 * One API process with WORKERS=off and two worker processes (application contexts built from
 * WorkerModule, as worker.ts does) on the same database and Redis. Needs a database several
 * processes share and Redis: it runs on the MariaDB profile; on the embedded profile the worker
 * refuses to start (see worker.ts) and everything runs in the API process.
 */
const onThisProfile = currentProfile() === 'mariadb';
if (!onThisProfile) {
  process.stdout.write(
    'workers.e2e-spec: skipped on the sqlite profile (API + two workers need a shared MariaDB and Redis)\n',
  );
}
const describeShared = onThisProfile ? describe : describe.skip;

const ITEMS = 50;
const UPDATES = 20;

interface Worker {
  ctx: TestingModule;
  dispatched: string[];
  indexed: jest.SpyInstance<Promise<Array<Error | null>>, [SearchIndexJob[]]>;
}

interface OutboxRow {
  aggregate_id: string;
  version: number;
  dispatched_at: Date | null;
  attempts: number;
}

const key = (aggregateId: string, version: number): string => `${aggregateId}:${version}`;

function tally(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}

describeShared('two workers beside an API with WORKERS=off', () => {
  let infra: TestInfra;
  let api: TestApp;
  let env: Record<string, string>;
  const workers: Worker[] = [];
  let owner: SignedIn;
  let feed: TestSocket;

  async function startWorker(): Promise<Worker> {
    const builder = Test.createTestingModule({
      imports: [WorkerModule.forRoot(workerConfig(testEnv(infra, env)))],
      providers: [TestEventHandler],
    })
      .overrideProvider(SEARCH_INDEX)
      .useValue(new FakeSearchIndex());
    const ctx = await builder.compile();
    const dispatched: string[] = [];
    ctx.get(TestEventHandler).listener = (event) => {
      dispatched.push(key(event.aggregateId, event.version));
      return Promise.resolve();
    };
    // Before init: the processors start taking jobs at bootstrap.
    const indexed = jest.spyOn(ctx.get(SearchIndexProcessor), 'run');
    await ctx.init();
    return { ctx, dispatched, indexed };
  }

  beforeAll(async () => {
    infra = await provisionInfra();
    env = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `keel-test:workers-${randomBytes(4).toString('hex')}:`,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      OUTBOX_SWEEP_MS: '100',
    };
    // The API migrates the database first; the workers then find nothing to migrate.
    api = await startAppWith(
      { ...env, WORKERS: 'off' },
      { providers: [{ provide: SEARCH_INDEX, useValue: new FakeSearchIndex() }] },
      infra,
    );
    workers.push(await startWorker(), await startWorker());
    owner = await signUp(api.http);
    feed = await connectSocket(api.url, owner.accessToken);
    expect(await request(feed.socket, 'feed:subscribe')).toEqual({ ok: true });
  }, 60_000);

  afterAll(async () => {
    feed?.socket.close();
    for (const w of workers) await w.ctx.close();
    await api?.close();
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    const keys = await redis.keys(`${env.REDIS_KEY_PREFIX}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await infra?.cleanup();
  });

  it('refuses to start a worker without Redis', () => {
    expect(() => workerConfig({ ...testEnv(infra, env), REDIS_URL: '' })).toThrow(
      /REDIS_URL: the worker process needs Redis/,
    );
    // The API configuration itself stays valid without Redis (embedded profile, WORKERS=inline).
    expect(loadConfig({ ...testEnv(infra, env), REDIS_URL: '' }).redis).toBeNull();
  });

  it('dispatches each outbox row once, indexes each item version once and reaches API sockets once', async () => {
    const items: ItemBody[] = await Promise.all(
      Array.from({ length: ITEMS }, (_, i) =>
        createItem(api.http, owner.bearer, { title: `Worker item ${i}`, status: 'published' }),
      ),
    );
    await Promise.all(
      items.slice(0, UPDATES).map((item) =>
        api
          .http()
          .patch(`/items/${item.id}`)
          .set('Authorization', owner.bearer)
          .send({ title: `${item.title} (edited)` })
          .expect(200),
      ),
    );
    const ours = new Set(items.map((i) => i.id));
    const db = api.app.get(DataSource);
    const rows = (): Promise<OutboxRow[]> =>
      db.query<OutboxRow[]>('SELECT aggregate_id, version, dispatched_at, attempts FROM outbox');

    // The API dispatches nothing itself (WORKERS=off): every row is dispatched by a worker.
    await eventually(
      async () => {
        const all = (await rows()).filter((r) => ours.has(r.aggregate_id));
        expect(all).toHaveLength(ITEMS + UPDATES);
        expect(all.filter((r) => r.dispatched_at === null)).toEqual([]);
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const final = (await rows()).filter((r) => ours.has(r.aggregate_id));
    const expected = final.map((r) => key(r.aggregate_id, Number(r.version))).sort();
    // A publish that failed (a subscriber timed out on a loaded machine) is recorded in `attempts`
    // and legitimately published again; anything beyond that would be two relays on one row.
    const allowed = new Map(
      final.map((r) => [key(r.aggregate_id, Number(r.version)), Number(r.attempts) + 1]),
    );

    const indexedKeys = (): string[] =>
      workers.flatMap((w) =>
        w.indexed.mock.calls.flatMap(([jobs]) => jobs.map((j) => key(j.itemId, j.version))),
      );
    const itemEvents = (): string[] =>
      feed.received
        .filter((r) => r.event === 'item.created' || r.event === 'item.updated')
        .map((r) => {
          const m = r.payload as { item: { id: string }; version: number };
          return key(m.item.id, m.version);
        })
        .filter((k) => ours.has(k.split(':')[0] ?? ''));
    await eventually(() => expect(new Set(indexedKeys()).size).toBe(expected.length), {
      timeoutMs: 20_000,
    });
    await eventually(() => expect(new Set(itemEvents()).size).toBe(expected.length), {
      timeoutMs: 20_000,
    });
    // A duplicate would arrive right behind the first copy: give it the time to show up.
    await new Promise((r) => setTimeout(r, 500));

    const dispatched = tally(
      workers.flatMap((w) => w.dispatched.filter((k) => ours.has(k.split(':')[0] ?? ''))),
    );
    expect([...dispatched.keys()].sort()).toEqual(expected);
    expect(
      [...dispatched.entries()].filter(([k, n]) => n !== 1 && n > (allowed.get(k) ?? 1)),
    ).toEqual([]);

    const indexed = tally(indexedKeys());
    expect([...indexed.keys()].sort()).toEqual(expected);
    expect([...indexed.entries()].filter(([, n]) => n !== 1)).toEqual([]);

    const delivered = tally(itemEvents());
    expect([...delivered.keys()].sort()).toEqual(expected);
    expect([...delivered.entries()].filter(([, n]) => n !== 1)).toEqual([]);

    process.stdout.write(
      `workers.e2e-spec: rows dispatched per worker ${workers.map((w) => w.dispatched.length).join(' + ')}, ` +
        `jobs indexed per worker ${workers.map((w) => w.indexed.mock.calls.flatMap(([j]) => j).length).join(' + ')}\n`,
    );
  });
});

describeShared('a worker beside an API with WORKERS=off, its sweep far away', () => {
  let infra: TestInfra;
  let api: TestApp;
  let worker: TestingModule;
  let env: Record<string, string>;
  const received: string[] = [];

  beforeAll(async () => {
    infra = await provisionInfra();
    env = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `keel-test:wake-${randomBytes(4).toString('hex')}:`,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      // Ten minutes: only the wake-up after commit can deliver within the test's deadline.
      OUTBOX_SWEEP_MS: '600000',
    };
    api = await startAppWith({ ...env, WORKERS: 'off' }, {}, infra);
    worker = await Test.createTestingModule({
      imports: [WorkerModule.forRoot(workerConfig(testEnv(infra, env)))],
      providers: [TestEventHandler],
    }).compile();
    worker.get(TestEventHandler).listener = (event) => {
      received.push(`${event.type}:${event.aggregateId}`);
      return Promise.resolve();
    };
    await worker.init();
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await infra?.cleanup();
  });

  it('is woken through Redis right after the commit, not by its sweep', async () => {
    const user = await signUp(api.http);
    // The first write may still meet the worker's sweep at start; the second cannot.
    const first = await createItem(api.http, user.bearer, { title: 'Woken 1' });
    await eventually(() => expect(received).toContain(`item.created:${first.id}`));
    const second = await createItem(api.http, user.bearer, { title: 'Woken 2' });
    await eventually(() => expect(received).toContain(`item.created:${second.id}`), {
      timeoutMs: 3000,
    });
  }, 30_000);
});
