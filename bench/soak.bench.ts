import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { processCpuMs } from './lib/cpu';
import { FeedSockets, WriteDeliveries } from './lib/feed-sockets';
import { HeapInspector } from './lib/inspector-heap';
import { mapLimited, requestJson, stringField } from './lib/http';
import { signUp, startKeel } from './lib/keel';
import type { KeelProcess, SignedIn } from './lib/keel';
import type { Measurement } from './lib/load';
import { errorMessage, out, progress } from './lib/log';
import { freePort } from './lib/net';
import { percentile, runPaced } from './lib/paced-load';
import type { PacedRoute, PacedRun, RouteStats } from './lib/paced-load';
import { loadAverageLine, processRssBytes, sampleMemory } from './lib/process-memory';
import type { MemorySample } from './lib/process-memory';
import type { BenchSuite, SuiteContext } from './lib/suite';
import { wants } from './lib/suite';
import type { ScenarioResult } from './lib/table';

/**
 * Soak: one Keel process (WORKERS=inline, MariaDB + Redis) under a fixed mixed
 * load for a long time, with feed subscribers connected throughout. Nothing is compared to a
 * baseline: the run must serve everything without an error, deliver every write's event to every
 * socket once, and keep its heap and RSS flat after the warm-up.
 */

/** Goal: heap and RSS grow less than this from the start to the end of the measured period. */
const GOAL_GROWTH = 0.1;
/** Users whose tokens the readers and sockets share (one author writes). */
const READERS = 10;
/** How long the last writes' events may take to arrive after the load stops. */
const DRAIN_TIMEOUT_MS = 15_000;

/** Words of the generated items; searches ask for one of them. */
const WORDS = (
  'harbour valley meadow orchard canyon glacier desert lagoon prairie tundra volcano castle ' +
  'tower cottage museum gallery studio factory station airport railway tunnel canal beacon ' +
  'recipe bread butter cheese honey pepper garlic tomato lemon cherry walnut battery monitor ' +
  'keyboard printer router speaker laptop violin guitar piano trumpet falcon heron otter ' +
  'badger maple birch willow cedar tulip orchid lavender invoice receipt ledger forecast'
).split(' ');
const FILLER = 'the of and to in is that for it with on as this by from at'.split(' ');

interface SoakRates {
  get: number;
  list: number;
  search: number;
  create: number;
  update: number;
}

interface SoakSettings {
  seconds: number;
  warmup: number;
  sockets: number;
  items: number;
  sampleSeconds: number;
  /** seconds between forced full collections (live heap checkpoints) in the measured period */
  gcSeconds: number;
  rates: SoakRates;
}

function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(
      `${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`,
    );
  }
  return value;
}

const DEFAULT_RATES: SoakRates = { get: 30, list: 10, search: 5, create: 3, update: 5 };

/** BENCH_SOAK_RATES, e.g. `get=30,list=10,search=5,create=3,update=5` (requests/s; 0 = off). */
function readRates(): SoakRates {
  const rates = { ...DEFAULT_RATES };
  const raw = process.env.BENCH_SOAK_RATES?.trim();
  if (!raw) return rates;
  for (const part of raw.split(',')) {
    const [key, value] = part.split('=').map((s) => s.trim());
    const rate = Number(value);
    if (!key || !(key in rates) || !Number.isFinite(rate) || rate < 0 || rate > 1000) {
      throw new Error(
        `BENCH_SOAK_RATES: "${part}" is not <route>=<0..1000> with route one of ` +
          Object.keys(rates).join(', '),
      );
    }
    rates[key as keyof SoakRates] = rate;
  }
  return rates;
}

function readSoakSettings(): SoakSettings {
  const seconds = intEnv('BENCH_SOAK_SECONDS', 600, 10, 86_400);
  return {
    seconds,
    warmup: intEnv('BENCH_SOAK_WARMUP', 60, 0, 3600),
    sockets: intEnv('BENCH_SOAK_SOCKETS', 200, 0, 5000),
    items: intEnv('BENCH_SOAK_ITEMS', 1000, 10, 100_000),
    sampleSeconds: intEnv(
      'BENCH_SOAK_SAMPLE_SECONDS',
      Math.max(5, Math.round(seconds / 40)),
      1,
      3600,
    ),
    gcSeconds: intEnv('BENCH_SOAK_GC_SECONDS', Math.max(10, Math.round(seconds / 3)), 1, 86_400),
    rates: readRates(),
  };
}

const pick = <T>(list: readonly T[]): T => {
  const value = list[Math.floor(Math.random() * list.length)];
  if (value === undefined) throw new Error('pick from an empty list');
  return value;
};

/** 40–80 words of text, a third of them from WORDS, so every search word matches some items. */
function itemBody(): string {
  const n = 40 + Math.floor(Math.random() * 41);
  return Array.from({ length: n }, (_, i) => (i % 3 === 0 ? pick(WORDS) : pick(FILLER))).join(' ');
}

function itemInput(title: string): Record<string, unknown> {
  return { title, body: itemBody(), tags: ['soak', pick(WORDS)], status: 'published' };
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
const mb = (bytes: number | null): string =>
  bytes === null ? '?' : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const pct = (ratio: number | null): string =>
  ratio === null ? '?' : `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)} %`;

async function seedItems(url: string, author: SignedIn, count: number): Promise<string[]> {
  progress(`soak: seeding ${count} published items through POST /items`);
  const started = performance.now();
  const ids = await mapLimited(
    Array.from({ length: count }, (_, i) => i),
    16,
    async (n) => {
      const res = await requestJson(`${url}/items`, {
        method: 'POST',
        token: author.accessToken,
        body: itemInput(`Soak seed ${n} ${pick(WORDS)}`),
        expect: [201],
      });
      return stringField(res.body, 'id');
    },
  );
  progress(`soak: seeded ${count} items in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return ids;
}

/** The live heap after a forced full collection, and the RSS just before and after it. */
interface LiveCheckpoint {
  atSeconds: number;
  liveHeapBytes: number;
  heapTotalBytes: number;
  rssBeforeBytes: number | null;
  rssAfterBytes: number | null;
  pauseMs: number;
}

const ratioOf = (
  start: number | null | undefined,
  end: number | null | undefined,
): number | null =>
  start !== null && start !== undefined && end !== null && end !== undefined && start > 0
    ? (end - start) / start
    : null;

/** Growth of a memory figure: the lowest value of the last window vs the lowest of the first. */
interface Growth {
  start: number | null;
  end: number | null;
  startFloor: number | null;
  endFloor: number | null;
  /** (endFloor − startFloor) / startFloor */
  ratio: number | null;
}

function growthOf(
  samples: readonly MemorySample[],
  seconds: number,
  value: (s: MemorySample) => number | null,
): Growth {
  const measured = samples.filter((s) => s.atSeconds >= 0 && s.atSeconds <= seconds + 30);
  const window = Math.max(seconds * 0.1, 1);
  const first = measured.filter((s) => s.atSeconds <= window);
  const last = measured.filter((s) => s.atSeconds >= seconds - window);
  const floor = (list: readonly MemorySample[]): number | null => {
    const values = list.map(value).filter((v): v is number => v !== null);
    return values.length > 0 ? Math.min(...values) : null;
  };
  const start = measured[0] ? value(measured[0]) : null;
  const endSample = measured[measured.length - 1];
  const end = endSample ? value(endSample) : null;
  const startFloor = floor(first.length > 0 ? first : measured.slice(0, 1));
  const endFloor = floor(last.length > 0 ? last : measured.slice(-1));
  const ratio =
    startFloor !== null && endFloor !== null && startFloor > 0
      ? (endFloor - startFloor) / startFloor
      : null;
  return { start, end, startFloor, endFloor, ratio };
}

function measurementOf(
  stats: RouteStats,
  seconds: number,
  cpuMsPerRequest: number | null,
): Measurement {
  const sorted = Float64Array.from(stats.latencies).sort();
  const average =
    stats.latencies.length > 0
      ? stats.latencies.reduce((a, b) => a + b, 0) / stats.latencies.length
      : 0;
  return {
    requestsPerSecond: stats.ok / seconds,
    latencyP50Ms: percentile(sorted, 50),
    latencyP99Ms: percentile(sorted, 99),
    latencyAverageMs: average,
    requests: stats.ok,
    durationSeconds: seconds,
    non2xx: stats.badStatus,
    errors: stats.transportErrors,
    timeouts: 0,
    statusCodes: stats.statusCodes,
    serverCpuMsPerRequest: cpuMsPerRequest,
  };
}

function formatRows(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]): string =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

/** Keel as the soak runs it, with the inspector and the feed sockets the bench attaches. */
interface SoakTarget {
  keel: KeelProcess;
  metricsToken: string;
  inspector: HeapInspector;
  sockets: FeedSockets;
}

/** Setup: one Keel process (inline workers, a short cache TTL), its inspector and the sockets. */
async function startSoakTarget(ctx: SuiteContext): Promise<SoakTarget> {
  const metricsToken = randomBytes(32).toString('hex');
  // The DevTools inspector on the loopback: the bench forces a full collection through it now and
  // then to read the live heap (its one session is idle in between).
  const inspectPort = await freePort();
  const keel = await startKeel({
    name: 'keel (soak)',
    infra: ctx.infra,
    settings: ctx.settings,
    redisKeyPrefix: `${ctx.infra.redisKeyPrefix}soak:`,
    // Short enough that reads keep missing, refilling and evicting the cache during the run.
    cacheTtlSeconds: 60,
    workers: 'inline',
    env: {
      METRICS_TOKEN: metricsToken,
      REALTIME_RATE_LIMIT: '1000',
      NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}`,
    },
  });
  ctx.cleanup.add('stop soak Keel', () => keel.child.stop());
  const inspector = await HeapInspector.connect(inspectPort);
  ctx.cleanup.add('close inspector session', () => inspector.close());
  const sockets = new FeedSockets('soak');
  ctx.cleanup.add('close soak sockets', () => sockets.close());
  return { keel, metricsToken, inspector, sockets };
}

/** Who the load acts as, and the items it reads and changes. */
interface SoakActors {
  author: SignedIn;
  readers: SignedIn[];
  ids: string[];
}

/** Setup: the author, the readers, the seeded items, and the feed sockets connected. */
async function prepareSoak(
  ctx: SuiteContext,
  target: SoakTarget,
  s: SoakSettings,
): Promise<{ actors: SoakActors; deliveries: WriteDeliveries }> {
  const url = target.keel.url;
  const author = await signUp(url, 'soak-author', ctx.runId);
  const readers: SignedIn[] = [];
  for (let u = 0; u < READERS; u++) readers.push(await signUp(url, `soak-${u}`, ctx.runId));
  const ids = await seedItems(url, author, s.items);

  const totalSeconds = s.warmup + s.seconds;
  const capacity = Math.ceil((s.rates.create + s.rates.update) * totalSeconds) + 10;
  const deliveries = new WriteDeliveries(capacity, s.sockets, `soak-${ctx.runId}`);
  if (s.sockets > 0) {
    await target.sockets.connect(
      url,
      readers.map((r) => r.accessToken),
      s.sockets,
    );
  }
  target.sockets.record(deliveries);
  return { actors: { author, readers, ids }, deliveries };
}

/** The load: the five routes at their rates (those at 0/s left out); writes feed `deliveries`. */
function soakRoutes(
  s: SoakSettings,
  { author, readers, ids }: SoakActors,
  deliveries: WriteDeliveries,
): PacedRoute[] {
  const readerToken = (): string => pick(readers).accessToken;
  const writeOf = new Map<string, number>();
  const allRoutes: PacedRoute[] = [
    {
      name: 'GET /items/:id',
      rate: s.rates.get,
      next: () => ({
        method: 'GET',
        path: `/items/${pick(ids)}`,
        headers: bearer(readerToken()),
      }),
    },
    {
      name: 'GET /items?limit=20',
      rate: s.rates.list,
      next: () => ({ method: 'GET', path: '/items?limit=20', headers: bearer(readerToken()) }),
    },
    {
      name: 'GET /search/items?q=',
      rate: s.rates.search,
      next: () => ({
        method: 'GET',
        path: `/search/items?q=${encodeURIComponent(pick(WORDS))}`,
        headers: bearer(readerToken()),
      }),
    },
    {
      name: 'POST /items',
      rate: s.rates.create,
      next: (n) => {
        const write = deliveries.titleFor('create');
        writeOf.set(`create ${n}`, write.n);
        return {
          method: 'POST',
          path: '/items',
          headers: bearer(author.accessToken),
          body: JSON.stringify(itemInput(write.title)),
        };
      },
      onSuccess: (n) => {
        const write = writeOf.get(`create ${n}`);
        if (write !== undefined) deliveries.accept(write);
        writeOf.delete(`create ${n}`);
      },
    },
    {
      name: 'PATCH /items/:id',
      rate: s.rates.update,
      // Seeded items in turn: an item is changed again only after all others were.
      next: (n) => {
        const write = deliveries.titleFor('update');
        writeOf.set(`update ${n}`, write.n);
        return {
          method: 'PATCH',
          path: `/items/${ids[n % ids.length] ?? ''}`,
          headers: bearer(author.accessToken),
          body: JSON.stringify({ title: write.title }),
        };
      },
      onSuccess: (n) => {
        const write = writeOf.get(`update ${n}`);
        if (write !== undefined) deliveries.accept(write);
        writeOf.delete(`update ${n}`);
      },
    },
  ];
  return allRoutes.filter((r) => r.rate > 0);
}

/**
 * Sampling: memory samples from the start (every `sampleSeconds` once measuring), and live-heap
 * checkpoints (a forced full GC through the inspector) every `gcSeconds` while measuring.
 */
function watchMemory(target: SoakTarget, s: SoakSettings) {
  const { keel, metricsToken, inspector } = target;
  const samples: MemorySample[] = [];
  const sampling: Promise<void>[] = [];
  const checkpoints: LiveCheckpoint[] = [];
  const checking: Promise<void>[] = [];
  let measuredStartedAt: number | null = null;
  let sampler: NodeJS.Timeout | undefined;
  let gcTimer: NodeJS.Timeout | undefined;

  const atSeconds = (): number =>
    measuredStartedAt === null ? -s.warmup : (performance.now() - measuredStartedAt) / 1000;
  const takeSample = (): Promise<void> => {
    const done = sampleMemory({
      keelUrl: keel.url,
      metricsToken,
      pid: keel.child.pid,
      atSeconds: atSeconds(),
    }).then((sample) => {
      samples.push(sample);
    });
    sampling.push(done);
    return done;
  };
  const checkpoint = async (): Promise<void> => {
    const at = atSeconds();
    try {
      const rssBeforeBytes = processRssBytes(keel.child.pid);
      const live = await inspector.liveHeap();
      checkpoints.push({
        atSeconds: at,
        liveHeapBytes: live.usedBytes,
        heapTotalBytes: live.totalBytes,
        rssBeforeBytes,
        rssAfterBytes: processRssBytes(keel.child.pid),
        pauseMs: live.pauseMs,
      });
      progress(
        `soak: ${at.toFixed(0)} s: live heap after a forced full GC ` +
          `${mb(live.usedBytes)} (GC + read ${live.pauseMs.toFixed(0)} ms), RSS ` +
          `${mb(rssBeforeBytes)} → ${mb(processRssBytes(keel.child.pid))}`,
      );
    } catch (error) {
      progress(`soak: live heap checkpoint failed: ${errorMessage(error)}`);
    }
  };

  return {
    samples,
    checkpoints,
    takeSample,
    /** Seconds since the measured period started (now, if it has not). */
    measuredSeconds: (): number =>
      (performance.now() - (measuredStartedAt ?? performance.now())) / 1000,
    markMeasuredStart(): void {
      measuredStartedAt = performance.now();
    },
    startTimers(): void {
      checking.push(takeSample().then(checkpoint));
      gcTimer = setInterval(() => {
        const elapsed = (performance.now() - (measuredStartedAt ?? 0)) / 1000;
        // The last checkpoint is taken when the load ends.
        if (elapsed < s.seconds - s.gcSeconds / 2) checking.push(checkpoint());
      }, s.gcSeconds * 1000);
      let ticks = 0;
      sampler = setInterval(() => {
        void takeSample();
        ticks += 1;
        if ((ticks * s.sampleSeconds) % 60 < s.sampleSeconds) {
          const last = samples[samples.length - 1];
          progress(
            `soak: ${Math.round((performance.now() - (measuredStartedAt ?? 0)) / 1000)} s, ` +
              `heap ${mb(last?.heapUsedBytes ?? null)}, RSS ${mb(last?.rssBytes ?? null)}, ` +
              `loadavg ${last?.loadAverage1m ?? '?'}`,
          );
        }
      }, s.sampleSeconds * 1000);
    },
    stopTimers(): void {
      clearInterval(sampler);
      clearInterval(gcTimer);
    },
    /** Waits for what is in flight, then one last sample and one last checkpoint. */
    async finish(): Promise<void> {
      await Promise.all(checking);
      await takeSample();
      await Promise.all(sampling);
      await checkpoint();
    },
  };
}

/** CPU (ms) of Keel and of the bench process, and the machine load, at one moment. */
interface Usage {
  keelCpuMs: number | null;
  benchCpuMs: number | null;
  load: string | null;
}

const usageNow = (keel: KeelProcess): Usage => ({
  keelCpuMs: processCpuMs(keel.child.pid),
  benchCpuMs: processCpuMs(process.pid),
  load: loadAverageLine(),
});

/** Everything the soak observed: what the figures and the report are computed from. */
interface SoakObservation {
  s: SoakSettings;
  routes: PacedRoute[];
  run: PacedRun;
  deliveries: WriteDeliveries;
  samples: MemorySample[];
  checkpoints: LiveCheckpoint[];
  atStart: Usage;
  atEnd: Usage;
  /** a sample once the load has stopped (not part of the growth figures) */
  idle: MemorySample;
  connectedAtEnd: number;
  disconnects: number;
}

/** Load and sampling: warm-up, then the measured period, then the last events and samples. */
async function runSoakLoad(
  target: SoakTarget,
  s: SoakSettings,
  routes: PacedRoute[],
  deliveries: WriteDeliveries,
): Promise<SoakObservation> {
  const { keel, metricsToken, sockets } = target;
  const memory = watchMemory(target, s);
  let atStart: Usage = { keelCpuMs: null, benchCpuMs: null, load: null };

  const rateText = routes.map((r) => `${r.name} ${r.rate}/s`).join(', ');
  progress(
    `soak: ${s.warmup} s warm-up + ${s.seconds} s at ${rateText}, ${s.sockets} feed sockets; ` +
      `memory every ${s.sampleSeconds} s; loadavg ${loadAverageLine() ?? '?'}`,
  );
  void memory.takeSample();
  const run = await runPaced({
    url: keel.url,
    routes,
    warmupSeconds: s.warmup,
    seconds: s.seconds,
    onMeasuredStart: () => {
      memory.markMeasuredStart();
      atStart = usageNow(keel);
      deliveries.startMeasuring();
      progress(`soak: warm-up over, measuring for ${s.seconds} s (loadavg ${atStart.load ?? '?'})`);
      memory.startTimers();
    },
  });
  memory.stopTimers();
  const atEnd = usageNow(keel);
  await memory.finish();
  progress(`soak: load over (loadavg ${atEnd.load ?? '?'}); waiting for the last events`);
  await deliveries.drained(DRAIN_TIMEOUT_MS);
  const connectedAtEnd = sockets.connected;
  sockets.record(null);
  const idle = await sampleMemory({
    keelUrl: keel.url,
    metricsToken,
    pid: keel.child.pid,
    atSeconds: memory.measuredSeconds(),
  });
  memory.samples.sort((a, b) => a.atSeconds - b.atSeconds);
  return {
    s,
    routes,
    run,
    deliveries,
    samples: memory.samples,
    checkpoints: memory.checkpoints,
    atStart,
    atEnd,
    idle,
    connectedAtEnd,
    disconnects: sockets.disconnects,
  };
}

const errorsIn = (phase: Map<string, RouteStats>): number =>
  [...phase.values()].reduce((a, st) => a + st.badStatus + st.transportErrors, 0);

/** Share of one core over the measured period, from two CPU readings in ms. */
const coreShare = (from: number | null, to: number | null, seconds: number): string =>
  from !== null && to !== null ? `${((to - from) / 10 / seconds).toFixed(0)} %` : '?';

/** The figures the verdicts and the report are made of. */
function soakFigures(o: SoakObservation) {
  const { s, run, deliveries, samples, checkpoints } = o;
  const seconds = (run.measuredTo - run.measuredFrom) / 1000;
  const served = [...run.measured.values()].reduce((a, st) => a + st.ok, 0);
  const cpuPerRequest =
    o.atStart.keelCpuMs !== null && o.atEnd.keelCpuMs !== null && served > 0
      ? (o.atEnd.keelCpuMs - o.atStart.keelCpuMs) / served
      : null;
  const measuredErrors = errorsIn(run.measured);
  const warmupErrors = errorsIn(run.warmup);
  const expected = deliveries.expected;
  const received = deliveries.received;
  const missing = expected - received;
  const heap = growthOf(samples, s.seconds, (x) => x.heapUsedBytes);
  const rss = growthOf(samples, s.seconds, (x) => x.rssBytes);
  const liveStart = checkpoints.length >= 2 ? checkpoints[0] : undefined;
  const liveEnd = checkpoints.length >= 2 ? checkpoints[checkpoints.length - 1] : undefined;
  // Judged on the live heap and the RSS after forced full collections; without them (inspector
  // unavailable) on the floors of the sampled figures.
  const heapGrowth = liveStart
    ? ratioOf(liveStart.liveHeapBytes, liveEnd?.liveHeapBytes)
    : heap.ratio;
  const rssGrowth = liveStart
    ? ratioOf(liveStart.rssAfterBytes, liveEnd?.rssAfterBytes)
    : rss.ratio;
  const memoryOk =
    heapGrowth !== null &&
    rssGrowth !== null &&
    heapGrowth < GOAL_GROWTH &&
    rssGrowth < GOAL_GROWTH;
  return {
    seconds,
    served,
    cpuPerRequest,
    measuredErrors,
    warmupErrors,
    expected,
    received,
    missing,
    heap,
    rss,
    liveStart,
    liveEnd,
    heapGrowth,
    rssGrowth,
    memoryOk,
    deliverySorted: Float64Array.from(deliveries.latencies).sort(),
    loadLine: `machine load (/proc/loadavg): measured start ${o.atStart.load ?? '?'}, end ${o.atEnd.load ?? '?'}`,
  };
}

type SoakFigures = ReturnType<typeof soakFigures>;

/** One result per route, on the measured period; invalid on any error, warm-up included. */
function routeResults(o: SoakObservation, f: SoakFigures): ScenarioResult[] {
  const results: ScenarioResult[] = [];
  let index = 0;
  for (const route of o.routes) {
    index += 1;
    const stats = o.run.measured.get(route.name);
    const warm = o.run.warmup.get(route.name);
    if (!stats) continue;
    const notes = [
      `${stats.sent} sent, ${stats.ok} answered 2xx/3xx, ${stats.badStatus} other statuses, ` +
        `${stats.transportErrors} without an answer (warm-up: ${warm?.sent ?? 0} sent, ` +
        `${(warm?.badStatus ?? 0) + (warm?.transportErrors ?? 0)} errors)`,
      ...[...stats.errorSamples, ...(warm?.errorSamples ?? [])].map((e) => `error: ${e}`),
    ];
    results.push({
      id: `s${index}`,
      title: `soak: ${route.name} at ${route.rate}/s`,
      keel: measurementOf(stats, f.seconds, null),
      baseline: null,
      ratio: null,
      goal: null,
      verdict:
        stats.badStatus +
          stats.transportErrors +
          (warm?.badStatus ?? 0) +
          (warm?.transportErrors ?? 0) >
          0 || stats.ok === 0
          ? 'invalid'
          : '-',
      notes,
    });
  }
  return results;
}

/** The feed: every accepted write's event at every socket, once. */
function deliveryResult(o: SoakObservation, f: SoakFigures, id: string): ScenarioResult {
  const { s, deliveries } = o;
  const measurement: Measurement = {
    requestsPerSecond: deliveries.latencies.length / f.seconds,
    latencyP50Ms: percentile(f.deliverySorted, 50),
    latencyP99Ms: percentile(f.deliverySorted, 99),
    latencyAverageMs:
      deliveries.latencies.length > 0
        ? deliveries.latencies.reduce((a, b) => a + b, 0) / deliveries.latencies.length
        : 0,
    requests: f.received,
    durationSeconds: f.seconds,
    non2xx: 0,
    errors: f.missing + deliveries.duplicates,
    timeouts: 0,
    statusCodes: {},
    serverCpuMsPerRequest: null,
  };
  return {
    id,
    title: `soak: item events to ${s.sockets} feed sockets`,
    keel: measurement,
    baseline: null,
    ratio: null,
    goal: null,
    verdict: f.missing + deliveries.duplicates + deliveries.unknown > 0 ? 'invalid' : '-',
    notes: [
      `${f.received} of ${f.expected} expected deliveries (${deliveries.acceptedCount} accepted ` +
        `writes × ${s.sockets} sockets, warm-up included), ${f.missing} missing, ` +
        `${deliveries.duplicates} duplicates, ${deliveries.unknown} unknown; ` +
        `${o.connectedAtEnd} sockets connected at the end, ${o.disconnects} disconnects`,
      'req/s column = deliveries/s of writes sent in the measured period; latency = receive − ' +
        'send of the POST/PATCH, in the bench process (its event loop carries the load too)',
    ],
  };
}

/** All routes together: the verdict on errors, events and memory growth. */
function totalResult(o: SoakObservation, f: SoakFigures, id: string): ScenarioResult {
  const { s, run, deliveries, samples, checkpoints, idle } = o;
  const all: number[] = [];
  for (const st of run.measured.values()) all.push(...st.latencies);
  const merged: RouteStats = {
    sent: 0,
    ok: f.served,
    badStatus: 0,
    transportErrors: 0,
    statusCodes: {},
    latencies: all,
    errorSamples: [],
  };
  for (const st of run.measured.values()) {
    merged.sent += st.sent;
    merged.badStatus += st.badStatus;
    merged.transportErrors += st.transportErrors;
    for (const [code, n] of Object.entries(st.statusCodes)) {
      merged.statusCodes[code] = (merged.statusCodes[code] ?? 0) + n;
    }
  }
  const allErrors = f.measuredErrors + f.warmupErrors;
  const deliveryProblems = f.missing + deliveries.duplicates + deliveries.unknown;
  const benchCpu = coreShare(o.atStart.benchCpuMs, o.atEnd.benchCpuMs, f.seconds);
  const keelCpu = coreShare(o.atStart.keelCpuMs, o.atEnd.keelCpuMs, f.seconds);
  const { heap, rss, liveStart, liveEnd } = f;
  return {
    id,
    title: `soak: all routes, ${s.seconds} s after ${s.warmup} s warm-up`,
    keel: measurementOf(merged, f.seconds, f.cpuPerRequest),
    baseline: null,
    ratio: null,
    goal: null,
    verdict: allErrors > 0 || deliveryProblems > 0 ? 'invalid' : f.memoryOk ? 'pass' : 'fail',
    notes: [
      `requests served ${f.served} in ${f.seconds.toFixed(0)} s, errors ${allErrors} ` +
        `(measured ${f.measuredErrors}, warm-up ${f.warmupErrors}); must be 0`,
      `live heap after a forced full GC: ${mb(liveStart?.liveHeapBytes ?? null)} → ` +
        `${mb(liveEnd?.liveHeapBytes ?? null)} (${pct(f.heapGrowth)}); RSS after it: ` +
        `${mb(liveStart?.rssAfterBytes ?? null)} → ${mb(liveEnd?.rssAfterBytes ?? null)} ` +
        `(${pct(f.rssGrowth)}); goal < ${GOAL_GROWTH * 100} % for both`,
      `checkpoints (s: live heap MB / RSS before → after the forced GC MB / GC ms): ` +
        checkpoints
          .map(
            (c) =>
              `${c.atSeconds.toFixed(0)}: ${mb(c.liveHeapBytes).replace(' MB', '')} / ` +
              `${mb(c.rssBeforeBytes).replace(' MB', '')} → ` +
              `${mb(c.rssAfterBytes).replace(' MB', '')} / ${c.pauseMs.toFixed(0)}`,
          )
          .join(', '),
      `heap used as sampled (nodejs_heap_size_used_bytes, between collections): start ` +
        `${mb(heap.start)}, end ${mb(heap.end)}; lowest of first/last 10 %: ` +
        `${mb(heap.startFloor)} → ${mb(heap.endFloor)} (${pct(heap.ratio)})`,
      `RSS as sampled (/proc VmRSS): start ${mb(rss.start)}, end ${mb(rss.end)}; lowest of ` +
        `first/last 10 %: ${mb(rss.startFloor)} → ${mb(rss.endFloor)} (${pct(rss.ratio)})`,
      `after the load stopped: heap ${mb(idle.heapUsedBytes)}, RSS ${mb(idle.rssBytes)}`,
      `CPU: Keel ${keelCpu} of one core (${f.cpuPerRequest === null ? '?' : f.cpuPerRequest.toFixed(2)} ms per request, fan-out included), bench process ${benchCpu}; bench send lag max ${run.maxSendLagMs.toFixed(0)} ms`,
      f.loadLine,
      `memory samples (s: heap MB / RSS MB / loop lag p99 ms / load): ` +
        samples
          .map(
            (x) =>
              `${x.atSeconds.toFixed(0)}: ${mb(x.heapUsedBytes).replace(' MB', '')}/` +
              `${mb(x.rssBytes).replace(' MB', '')}/${x.eventLoopLagP99Ms?.toFixed(0) ?? '?'}/` +
              `${x.loadAverage1m ?? '?'}`,
          )
          .join(', '),
      'verdict: invalid on any error or missing/duplicate event, else pass when the live heap ' +
        'and the RSS, both read after a forced full GC (DevTools inspector on the loopback), ' +
        'grew < 10 % from the start to the end of the measured period; a heap sample taken ' +
        'between collections swings by 100 MB and more with the GC cycle',
    ],
  };
}

/** Report: the soak's own table (per route served, errors and latency) and memory at start and end. */
function printSoakReport(o: SoakObservation, f: SoakFigures): void {
  const { s, run, deliveries, checkpoints, idle } = o;
  const routeRows = o.routes.map((route) => {
    const st = run.measured.get(route.name);
    const warm = run.warmup.get(route.name);
    const sorted = Float64Array.from(st?.latencies ?? []).sort();
    return [
      route.name,
      `${route.rate}`,
      `${st?.ok ?? 0}`,
      `${(st?.badStatus ?? 0) + (st?.transportErrors ?? 0)}`,
      `${(warm?.badStatus ?? 0) + (warm?.transportErrors ?? 0)}`,
      percentile(sorted, 50).toFixed(1),
      percentile(sorted, 99).toFixed(1),
      (sorted[sorted.length - 1] ?? 0).toFixed(1),
    ];
  });
  if (s.sockets > 0) {
    routeRows.push([
      `feed events (${s.sockets} sockets)`,
      '-',
      `${f.received}/${f.expected}`,
      `${f.missing + deliveries.duplicates}`,
      '-',
      percentile(f.deliverySorted, 50).toFixed(1),
      percentile(f.deliverySorted, 99).toFixed(1),
      (f.deliverySorted[f.deliverySorted.length - 1] ?? 0).toFixed(1),
    ]);
  }
  const { heap, rss, liveStart, liveEnd } = f;
  out('');
  out(`Soak: ${s.seconds} s measured after ${s.warmup} s warm-up`);
  out(
    formatRows(
      ['route', 'rate/s', 'served', 'errors', 'warm-up errors', 'p50 ms', 'p99 ms', 'max ms'],
      routeRows,
    ),
  );
  out('');
  out(
    formatRows(
      ['memory', 'start', 'end', 'growth'],
      [
        [
          'live heap, after a forced full GC',
          mb(liveStart?.liveHeapBytes ?? null),
          mb(liveEnd?.liveHeapBytes ?? null),
          pct(f.heapGrowth),
        ],
        [
          'RSS, after a forced full GC',
          mb(liveStart?.rssAfterBytes ?? null),
          mb(liveEnd?.rssAfterBytes ?? null),
          pct(f.rssGrowth),
        ],
        [
          'heap used, sampled (between GCs)',
          mb(heap.start),
          mb(heap.end),
          pct(ratioOf(heap.start, heap.end)),
        ],
        ['RSS, sampled', mb(rss.start), mb(rss.end), pct(ratioOf(rss.start, rss.end))],
      ],
    ),
  );
  out(
    `goal: live heap and RSS after GC grow < ${GOAL_GROWTH * 100} %: ` +
      `${f.memoryOk ? 'pass' : 'fail'}; after the load stopped: heap ${mb(idle.heapUsedBytes)}, ` +
      `RSS ${mb(idle.rssBytes)}`,
  );
  out(
    `live heap checkpoints: ` +
      checkpoints.map((c) => `${c.atSeconds.toFixed(0)} s ${mb(c.liveHeapBytes)}`).join(', '),
  );
  out(f.loadLine);
}

async function soak(ctx: SuiteContext, s: SoakSettings): Promise<ScenarioResult[]> {
  const target = await startSoakTarget(ctx);
  try {
    const { actors, deliveries } = await prepareSoak(ctx, target, s);
    const routes = soakRoutes(s, actors, deliveries);
    const observation = await runSoakLoad(target, s, routes, deliveries);
    const figures = soakFigures(observation);
    const results = routeResults(observation, figures);
    let index = routes.length;
    if (s.sockets > 0) results.push(deliveryResult(observation, figures, `s${++index}`));
    results.push(totalResult(observation, figures, `s${++index}`));
    printSoakReport(observation, figures);
    return results;
  } finally {
    // Before stopping Keel: a process with an open inspector session waits for it to close.
    target.inspector.close();
    target.sockets.close();
    await target.keel.child.stop();
  }
}

async function runSoak(ctx: SuiteContext): Promise<ScenarioResult[]> {
  if (!wants(ctx.settings, 's')) return [];
  return soak(ctx, readSoakSettings());
}

export const soakSuite: BenchSuite = { name: 'soak', run: runSoak };
