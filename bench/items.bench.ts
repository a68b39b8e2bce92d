import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { startBaseline } from './lib/baseline';
import type { ManagedChild } from './lib/child';
import { isRecord, mapLimited, requestJson, stringField } from './lib/http';
import { JWT_AUDIENCE, JWT_ISSUER, KeelProcess, signUp, startKeel } from './lib/keel';
import { measure } from './lib/load';
import type { LoadSpec, Measurement } from './lib/load';
import { progress } from './lib/log';
import { formatLayers, profileLayers } from './lib/cpu-layers';
import { cloneItems, deleteItems } from './lib/mariadb';
import { keysWithPrefix } from './lib/redis';
import { BenchSuite, scenarioResult, SuiteContext, wants } from './lib/suite';
import type { ScenarioResult } from './lib/table';

/** Keel's req/s as a share of the baseline's (bench/README.md, Items suite). */
const GOAL_WARM = 0.5;
const GOAL_COLD = 0.4;
/**
 * Server CPU per request before issue 11, on the 2-core bench machine (BENCH_SCENARIOS=a,f on the
 * build of commit 8276927): the issue asks for half. CPU per request is little disturbed by other
 * load, but these are one machine's figures: on another, measure the old build there first.
 */
const CPU_BEFORE_MS = { warm: 0.49, notFound: 0.4 };
/** (e): the list on SQLite as a share of the same list on MariaDB (row c). */
const GOAL_SQLITE_LIST = 0.8;

/** Cache TTL of the Keel instance that serves the cold scenario (the schema's minimum). */
const COLD_TTL_SECONDS = 1;
/** Its near-cache TTL (ms): no longer than the shared cache's, so the same rotation outlasts both. */
const COLD_NEAR_TTL_MS = 1000;

const ITEM_BODY = (
  'Keel bench item. A paragraph of ordinary text, about the size of a short note, so that ' +
  'serialising, caching and sending it costs what a typical item costs. '
).repeat(4);

const itemInput = (n: number): Record<string, unknown> => ({
  title: `Bench item ${n}`,
  body: ITEM_BODY,
  tags: ['bench', 'seed', `group-${n % 10}`],
  status: 'published',
});

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/**
 * With BENCH_LAYERS naming the scenario: a second run of the same load with Keel's CPU profiled,
 * summarised by layer (the first, unprofiled run gives the scenario's figures).
 */
export async function layersOf(
  ctx: SuiteContext,
  scenario: string,
  keel: KeelProcess,
  spec: LoadSpec,
): Promise<string[] | undefined> {
  if (!ctx.settings.layers.includes(scenario) || keel.inspectPort === null) return undefined;
  progress(`${scenario}) profiled run (CPU by layer)`);
  const { result, profile } = await profileLayers<Measurement>(keel.inspectPort, (start) =>
    measure({ ...spec, title: `${spec.title} (profiled)`, onMeasuredStart: start }, ctx.settings),
  );
  return formatLayers(`${scenario}) ${spec.title}`, profile, result.serverCpuMsPerRequest);
}

export async function seedItems(
  keel: KeelProcess,
  token: string,
  count: number,
): Promise<string[]> {
  progress(`seeding ${count} published items through POST /items`);
  const started = performance.now();
  const ids = await mapLimited(
    Array.from({ length: count }, (_, i) => i),
    16,
    async (n) => {
      const res = await requestJson(`${keel.url}/items`, {
        method: 'POST',
        token,
        body: itemInput(n),
        expect: [201],
      });
      return stringField(res.body, 'id');
    },
  );
  progress(`seeded ${count} items in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return ids;
}

/** Fails unless Keel and the baseline answer the same item with the same JSON. */
async function assertSameJson(
  keelUrl: string,
  baselineUrl: string,
  id: string,
  token: string,
): Promise<void> {
  const fromKeel = await requestJson(`${keelUrl}/items/${id}`, { token, expect: [200] });
  const fromBaseline = await requestJson(`${baselineUrl}/items/${id}`, { token, expect: [200] });
  if (!isDeepStrictEqual(fromKeel.body, fromBaseline.body)) {
    throw new Error(
      `baseline JSON differs from Keel's for item ${id}:\n` +
        `Keel:     ${JSON.stringify(fromKeel.body)}\nbaseline: ${JSON.stringify(fromBaseline.body)}`,
    );
  }
  if (fromKeel.headers.get('etag') !== fromBaseline.headers.get('etag')) {
    throw new Error(`baseline ETag differs from Keel's for item ${id}`);
  }
}

/**
 * The Redis key Keel's cache actually wrote for an item, found by listing the keys under the
 * instance's prefix after a GET (not rebuilt from Keyv's conventions, which could drift).
 */
async function cachedItemKeyPrefix(ctx: SuiteContext, prefix: string, id: string): Promise<string> {
  const keys = await keysWithPrefix(ctx.redis, prefix);
  // The item cache's key ends in `:item:<id>`; other keys end in the id too (the realtime
  // ledger's `realtime:item-version:<id>`), so the bare id would match whichever SCAN lists first.
  const key = keys.find((k) => k.endsWith(`:item:${id}`));
  if (!key) {
    throw new Error(
      `no Redis key for item ${id} under ${prefix} after a GET (saw: ${keys.join(', ')})`,
    );
  }
  const raw = await ctx.redis.get(key);
  const envelope: unknown = raw === null ? null : JSON.parse(raw);
  if (!isRecord(envelope) || !isRecord(envelope.value) || envelope.value.id !== id) {
    throw new Error(
      `Redis key ${key} does not hold a Keyv envelope of item ${id}: ${raw ?? 'null'}`,
    );
  }
  progress(`Keel caches item ${id} under Redis key ${key}`);
  return key.slice(0, key.length - id.length);
}

/**
 * Walks a shuffled list of ids, so an id comes back only after every other id has been requested
 * once, and records how many requests reused an id sooner than `windowMs` (such a request might
 * have been served from the cache).
 */
class IdRotation {
  private readonly ids: string[];
  private readonly lastSentAt: Float64Array;
  private next = 0;
  repeatsWithinWindow = 0;
  requests = 0;

  constructor(
    ids: readonly string[],
    private readonly windowMs: number,
  ) {
    this.ids = [...ids];
    for (let i = this.ids.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [this.ids[i], this.ids[j]] = [this.ids[j], this.ids[i]];
    }
    this.lastSentAt = new Float64Array(this.ids.length);
  }

  nextId(): string {
    const i = this.next;
    this.next = (this.next + 1) % this.ids.length;
    const now = performance.now();
    const last = this.lastSentAt[i];
    if (last > 0 && now - last < this.windowMs) this.repeatsWithinWindow += 1;
    this.lastSentAt[i] = now;
    this.requests += 1;
    return this.ids[i];
  }
}

/**
 * (a) GET /items/:id served from a warm cache vs a bare server reading the same Redis key; then the
 * floor: a minimal NestJS 11 + Express app doing the same work (`baselines/nest-floor-server.ts`),
 * against the same bare server, so the table shows what NestJS on Express costs by itself.
 */
async function warmById(
  ctx: SuiteContext,
  keel: KeelProcess,
  reader: string,
  id: string,
): Promise<ScenarioResult[]> {
  await requestJson(`${keel.url}/items/${id}`, { token: reader, expect: [200] });
  const keyPrefix = await cachedItemKeyPrefix(ctx, ctx.infra.redisKeyPrefix, id);
  const env = {
    REDIS_URL: ctx.infra.redisUrl,
    ITEM_KEY_PREFIX: keyPrefix,
    JWT_SECRET: ctx.infra.jwtSecret,
    JWT_ISSUER,
    JWT_AUDIENCE,
  };
  const spec = (server: { url: string; child: ManagedChild }, title: string): LoadSpec => ({
    title,
    url: server.url,
    path: `/items/${id}`,
    headers: bearer(reader),
    serverPid: server.child.pid,
  });
  const baseline = await startBaseline({
    name: 'baseline A (jwt + redis)',
    script: 'jwt-redis-server.ts',
    settings: ctx.settings,
    env,
  });
  ctx.cleanup.add('stop baseline A', () => baseline.child.stop());
  let keelRun: Measurement;
  let baseRun: Measurement;
  let layers: string[] | undefined;
  try {
    await assertSameJson(keel.url, baseline.url, id, reader);
    progress('a) Keel: GET /items/:id, warm cache');
    keelRun = await measure(spec(keel, 'keel warm'), ctx.settings);
    progress('a) baseline A');
    baseRun = await measure(spec(baseline, 'baseline A'), ctx.settings);
    layers = await layersOf(ctx, 'a', keel, spec(keel, 'keel warm'));
  } finally {
    await baseline.child.stop();
  }
  const floor = await startBaseline({
    name: 'floor (NestJS + Express, jwt + redis)',
    script: 'nest-floor-server.ts',
    settings: ctx.settings,
    env,
  });
  ctx.cleanup.add('stop the floor', () => floor.child.stop());
  let floorRun: Measurement;
  try {
    await assertSameJson(keel.url, floor.url, id, reader);
    progress('a) floor: minimal NestJS + Express app, same work');
    floorRun = await measure(spec(floor, 'nest floor'), ctx.settings);
  } finally {
    await floor.child.stop();
  }
  const share = (a: Measurement, b: Measurement): string =>
    b.requestsPerSecond > 0 ? (a.requestsPerSecond / b.requestsPerSecond).toFixed(2) : '?';
  return [
    {
      ...scenarioResult({
        id: 'a',
        title: 'GET /items/:id, warm cache',
        keel: keelRun,
        baseline: baseRun,
        goal: GOAL_WARM,
        cpuGoal: halfOf(CPU_BEFORE_MS.warm),
        notes: [`Keel ÷ floor (row a0): ${share(keelRun, floorRun)}`],
      }),
      layers,
    },
    scenarioResult({
      id: 'a0',
      title: 'floor: minimal NestJS+Express, same work as (a)',
      keel: floorRun,
      baseline: baseRun,
      notes: [
        `the floor's ratio bounds what (a) can reach on NestJS + Express (goal ${GOAL_WARM}): ` +
          `${share(floorRun, baseRun)}`,
      ],
    }),
  ];
}

/**
 * (b) GET /items/:id with a cache miss on every request vs a bare server running the same
 * primary-key query through mysql2.
 *
 * How the cache is kept cold: a second Keel instance, on its own (empty) Redis key prefix, with
 * the shortest cache TTL the configuration accepts (CACHE_TTL_SECONDS=1, near cache 1 s), and
 * requests that walk a pool of BENCH_COLD_IDS distinct ids (the seeded items plus copies inserted
 * in SQL) in a shuffled round robin. An id comes back only after all the others, i.e. after
 * (pool ÷ req/s) seconds, by which time its entries have expired: every request is a real miss
 * that goes to MariaDB and then writes the entry, which is exactly Keel's cold path. The rotation
 * counts requests that reused an id within the TTL + 0.5 s; if any did, the row is marked invalid
 * (it partly measured the cache) instead of being reported. The short TTL also expires the
 * session check's cached user once a second; one extra query per second does not show here.
 */
async function coldById(
  ctx: SuiteContext,
  reader: string,
  seeded: readonly string[],
): Promise<ScenarioResult> {
  const cold = await startKeel({
    name: 'keel (cache TTL 1 s)',
    infra: ctx.infra,
    settings: ctx.settings,
    redisKeyPrefix: `${ctx.infra.redisKeyPrefix}cold:`,
    cacheTtlSeconds: COLD_TTL_SECONDS,
    // The first instance runs the outbox relay; a second relay would only compete for its rows.
    workers: 'off',
    inspect: ctx.settings.layers.includes('b'),
    env: { CACHE_NEAR_TTL_MS: String(COLD_NEAR_TTL_MS) },
  });
  ctx.cleanup.add('stop cold Keel', () => cold.child.stop());
  const baseline = await startBaseline({
    name: 'baseline B (jwt + mysql2)',
    script: 'jwt-mysql-server.ts',
    settings: ctx.settings,
    env: {
      DATABASE_URL: ctx.infra.databaseUrl,
      JWT_SECRET: ctx.infra.jwtSecret,
      JWT_ISSUER,
      JWT_AUDIENCE,
    },
  });
  ctx.cleanup.add('stop baseline B', () => baseline.child.stop());
  const extra = Math.max(0, ctx.settings.coldIds - seeded.length);
  progress(`b) copying items in SQL for a pool of ${seeded.length + extra} distinct ids`);
  const clones = await cloneItems(ctx.infra.databaseUrl, extra);
  try {
    const ids = [...seeded, ...clones];
    await assertSameJson(cold.url, baseline.url, ids[ids.length - 1] ?? '', reader);
    const windowMs = Math.max(COLD_TTL_SECONDS * 1000, COLD_NEAR_TTL_MS) + 500;
    const keelRotation = new IdRotation(ids, windowMs);
    const baseRotation = new IdRotation(ids, windowMs);
    const spec = (
      server: { url: string; child: ManagedChild },
      title: string,
      rotation: IdRotation,
    ): LoadSpec => ({
      title,
      url: server.url,
      path: `/items/${ids[0] ?? ''}`,
      headers: bearer(reader),
      nextPath: () => `/items/${rotation.nextId()}`,
      serverPid: server.child.pid,
    });
    progress(`b) Keel: GET /items/:id, cold cache (${ids.length} ids in rotation)`);
    const keelRun = await measure(spec(cold, 'keel cold', keelRotation), ctx.settings);
    progress('b) baseline B');
    const baseRun = await measure(spec(baseline, 'baseline B', baseRotation), ctx.settings);
    const layers = await layersOf(ctx, 'b', cold, spec(cold, 'keel cold', keelRotation));
    const repeats = keelRotation.repeatsWithinWindow;
    const notes = [
      `cold check: ${repeats} of ${keelRotation.requests} Keel requests reused an id within ` +
        `${windowMs} ms (cache TTL ${COLD_TTL_SECONDS} s, near ${COLD_NEAR_TTL_MS} ms; ` +
        `${ids.length} ids)`,
    ];
    return {
      ...scenarioResult({
        id: 'b',
        title: 'GET /items/:id, cold cache',
        keel: keelRun,
        baseline: baseRun,
        goal: GOAL_COLD,
        notes,
        invalidBecause:
          repeats > 0
            ? `${repeats} requests may have hit the cache: raise BENCH_COLD_IDS`
            : undefined,
      }),
      layers,
    };
  } finally {
    await baseline.child.stop();
    await cold.child.stop();
    // (c) lists the seeded items only: its figure must not depend on this scenario's pool.
    await deleteItems(ctx.infra.databaseUrl, clones);
  }
}

/** (c) GET /items, first page of 20 (Keel only). */
async function listFirstPage(
  ctx: SuiteContext,
  keel: KeelProcess,
  reader: string,
): Promise<ScenarioResult> {
  const { run, layers } = await measureList(ctx, 'c', keel, reader);
  return { ...scenarioResult({ id: 'c', title: 'GET /items?limit=20', keel: run }), layers };
}

/**
 * (e) The same list on the embedded profile: a Keel instance on SQLite (in the scratch directory)
 * and without Redis, with the same number of items written through the API, next to row (c) on
 * MariaDB as its baseline.
 */
async function listOnSqlite(
  ctx: SuiteContext,
  onMariadb: Measurement | null,
): Promise<ScenarioResult> {
  const embedded = await startKeel({
    name: 'keel (SQLite)',
    infra: ctx.infra,
    settings: ctx.settings,
    redisKeyPrefix: `${ctx.infra.redisKeyPrefix}sqlite:`,
    cacheTtlSeconds: 3600,
    workers: 'inline',
    database: 'sqlite',
    inspect: ctx.settings.layers.includes('e'),
  });
  ctx.cleanup.add('stop SQLite Keel', () => embedded.child.stop());
  try {
    const author = await signUp(embedded.url, 'sqlite-author', ctx.runId);
    const reader = await signUp(embedded.url, 'sqlite-reader', ctx.runId);
    await seedItems(embedded, author.accessToken, ctx.settings.items);
    const { run, layers } = await measureList(ctx, 'e', embedded, reader.accessToken);
    return {
      ...scenarioResult({
        id: 'e',
        title: 'GET /items?limit=20 on SQLite (baseline: row c, MariaDB)',
        keel: run,
        baseline: onMariadb ?? undefined,
        goal: GOAL_SQLITE_LIST,
      }),
      layers,
    };
  } finally {
    await embedded.child.stop();
  }
}

async function measureList(
  ctx: SuiteContext,
  scenario: string,
  keel: KeelProcess,
  reader: string,
): Promise<{ run: Measurement; layers: string[] | undefined }> {
  const first = await requestJson(`${keel.url}/items?limit=20`, { token: reader, expect: [200] });
  const count = isRecord(first.body) && Array.isArray(first.body.data) ? first.body.data.length : 0;
  if (count !== 20) throw new Error(`GET /items?limit=20 returned ${count} items, expected 20`);
  progress(`${scenario}) Keel: GET /items?limit=20`);
  const spec: LoadSpec = {
    title: `keel list (${scenario})`,
    url: keel.url,
    path: '/items?limit=20',
    headers: bearer(reader),
    serverPid: keel.child.pid,
  };
  const run = await measure(spec, ctx.settings);
  const layers = await layersOf(ctx, scenario, keel, spec);
  return { run, layers };
}

/** (d) POST /items (Keel only): a transaction with the item, its tags and an outbox row. */
async function createItems(
  ctx: SuiteContext,
  keel: KeelProcess,
  author: string,
): Promise<ScenarioResult> {
  progress('d) Keel: POST /items');
  const spec: LoadSpec = {
    title: 'keel create',
    url: keel.url,
    method: 'POST',
    path: '/items',
    headers: { ...bearer(author), 'content-type': 'application/json' },
    body: JSON.stringify(itemInput(0)),
    serverPid: keel.child.pid,
  };
  const keelRun = await measure(spec, ctx.settings);
  const layers = await layersOf(ctx, 'd', keel, spec);
  return { ...scenarioResult({ id: 'd', title: 'POST /items', keel: keelRun }), layers };
}

const halfOf = (beforeMs: number): { ms: number; why: string } => ({
  ms: beforeMs / 2,
  why: `half of ${beforeMs} ms, measured before issue 11`,
});

/** (f) An unauthenticated request for a route that does not exist: Keel's fixed path alone. */
async function notFound(ctx: SuiteContext, keel: KeelProcess): Promise<ScenarioResult> {
  progress('f) Keel: GET /no-such-route, no credentials (404)');
  const spec: LoadSpec = {
    title: 'keel 404',
    url: keel.url,
    path: '/no-such-route',
    headers: {},
    serverPid: keel.child.pid,
  };
  const run = await measure(spec, ctx.settings);
  const layers = await layersOf(ctx, 'f', keel, spec);
  return {
    ...scenarioResult({
      id: 'f',
      title: 'GET /no-such-route, unauthenticated 404',
      keel: run,
      expectedStatus: 404,
      cpuGoal: halfOf(CPU_BEFORE_MS.notFound),
    }),
    layers,
  };
}

async function runItems(ctx: SuiteContext): Promise<ScenarioResult[]> {
  const { settings } = ctx;
  const keel = await startKeel({
    name: 'keel',
    infra: ctx.infra,
    settings,
    redisKeyPrefix: ctx.infra.redisKeyPrefix,
    // Longer than any run, so the warm entry cannot expire while baseline A reads it.
    cacheTtlSeconds: 3600,
    workers: 'inline',
    inspect: ['a', 'c', 'd', 'f'].some((s) => settings.layers.includes(s)),
  });
  ctx.cleanup.add('stop Keel', () => keel.child.stop());
  const results: ScenarioResult[] = [];
  try {
    const author = await signUp(keel.url, 'author', ctx.runId);
    const reader = await signUp(keel.url, 'reader', ctx.runId);
    // Items are written by one user and read by another, as published items usually are.
    const ids = await seedItems(keel, author.accessToken, settings.items);
    const firstId = ids[0];
    if (!firstId) throw new Error('no items seeded');
    if (wants(settings, 'a'))
      results.push(...(await warmById(ctx, keel, reader.accessToken, firstId)));
    if (wants(settings, 'b')) results.push(await coldById(ctx, reader.accessToken, ids));
    if (wants(settings, 'c')) results.push(await listFirstPage(ctx, keel, reader.accessToken));
    if (wants(settings, 'd')) results.push(await createItems(ctx, keel, author.accessToken));
    if (wants(settings, 'f')) results.push(await notFound(ctx, keel));
  } finally {
    await keel.child.stop();
  }
  if (wants(settings, 'e')) {
    results.push(await listOnSqlite(ctx, results.find((r) => r.id === 'c')?.keel ?? null));
  }
  return results;
}

export const itemsSuite: BenchSuite = { name: 'items', run: runItems };
