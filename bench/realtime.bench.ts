import { performance } from 'node:perf_hooks';
import { startBaseline } from './lib/baseline';
import type { ManagedChild } from './lib/child';
import { processCpuMs } from './lib/cpu';
import { FeedSockets } from './lib/feed-sockets';
import { isRecord, requestJson, stringField } from './lib/http';
import { signUp, startKeel, startKeelWorker } from './lib/keel';
import type { Measurement } from './lib/load';
import { progress } from './lib/log';
import { positiveInt } from './lib/settings';
import { BenchSuite, scenarioResult, SuiteContext, wants } from './lib/suite';
import type { ScenarioResult } from './lib/table';

/** The realtime suite's goals (bench/README.md, Realtime suite). */
const GOAL_RATIO = 0.7;
const GOAL_P99_MS = 100;

/** Users whose tokens the clients share (one token per user). */
const USERS = 10;
/** How long deliveries may still arrive after the last update was sent. */
const DRAIN_TIMEOUT_MS = 10_000;
/** Updates sent (and not recorded) before each measured run. */
const WARMUP_UPDATES = 5;

const ITEM_BODY = (
  'Keel bench item. A paragraph of ordinary text, about the size of a short note, so that ' +
  'serialising, caching and sending it costs what a typical item costs. '
).repeat(4);

interface RealtimeSettings {
  sockets: number;
  updates: number;
  /** updates per second */
  rate: number;
}

function readRealtimeSettings(): RealtimeSettings {
  return {
    sockets: positiveInt('BENCH_SOCKETS', 1000, 10_000),
    updates: positiveInt('BENCH_REALTIME_UPDATES', 200, 10_000),
    rate: positiveInt('BENCH_REALTIME_RATE', 20, 1000),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The title that identifies update `n` of a run in the `item.updated` payload. */
const titleOf = (run: string, n: number): string => `realtime ${run} ${n}`;

/**
 * Records, for every (update × client), when the client received the update's `item.updated`.
 * Updates are told apart by their title; a run only counts events whose title it sent.
 */
class DeliveryRecorder {
  /** performance.now() just before update n was sent */
  readonly sentAt: Float64Array;
  /** receive time − sentAt, per delivery, in ms */
  readonly latencies: number[] = [];
  private readonly seen: Uint8Array;
  private readonly byTitle = new Map<string, number>();
  duplicates = 0;
  lastDeliveryAt = 0;
  private remaining: number;
  private onComplete: (() => void) | null = null;

  constructor(
    run: string,
    readonly updates: number,
    readonly clients: number,
  ) {
    this.sentAt = new Float64Array(updates);
    this.seen = new Uint8Array(updates * clients);
    this.remaining = updates * clients;
    for (let n = 0; n < updates; n++) this.byTitle.set(titleOf(run, n), n);
  }

  receive(client: number, payload: unknown, at: number): void {
    const item = isRecord(payload) ? payload.item : undefined;
    const title = isRecord(item) ? item.title : undefined;
    const n = typeof title === 'string' ? this.byTitle.get(title) : undefined;
    if (n === undefined) return;
    const slot = n * this.clients + client;
    if (this.seen[slot]) {
      this.duplicates += 1;
      return;
    }
    this.seen[slot] = 1;
    this.latencies.push(at - this.sentAt[n]);
    this.lastDeliveryAt = Math.max(this.lastDeliveryAt, at);
    this.remaining -= 1;
    if (this.remaining === 0) this.onComplete?.();
  }

  get missing(): number {
    return this.remaining;
  }

  /** Resolves once every delivery arrived or `timeoutMs` passed. */
  async drained(timeoutMs: number): Promise<void> {
    if (this.remaining === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.onComplete = resolve;
      timer = setTimeout(resolve, timeoutMs);
    });
    clearTimeout(timer);
    this.onComplete = null;
  }
}

/** Clients connected to one server's /realtime namespace, all subscribed to the feed. */
interface RunResult {
  measurement: Measurement;
  missing: number;
  duplicates: number;
  failedSends: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? 0;
}

/**
 * Sends `updates` updates at `rate` per second (update n is sent at start + n / rate, or when
 * update n − 1 has been answered if that is later: one in flight at a time) and measures their
 * delivery to every client.
 */
async function measureDeliveries(options: {
  title: string;
  run: string;
  clients: FeedSockets<DeliveryRecorder>;
  sockets: number;
  settings: RealtimeSettings;
  server: ManagedChild;
  send: (n: number, title: string) => Promise<boolean>;
}): Promise<RunResult> {
  const { settings, clients } = options;
  const recorder = new DeliveryRecorder(options.run, settings.updates, options.sockets);
  clients.record(recorder);
  const cpuAtStart = processCpuMs(options.server.pid);
  const started = performance.now();
  let failedSends = 0;
  const intervalMs = 1000 / settings.rate;
  try {
    for (let n = 0; n < settings.updates; n++) {
      const due = started + n * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      recorder.sentAt[n] = performance.now();
      if (!(await options.send(n, titleOf(options.run, n)))) failedSends += 1;
    }
    await recorder.drained(DRAIN_TIMEOUT_MS);
  } finally {
    clients.record(null);
  }
  const cpuAtEnd = processCpuMs(options.server.pid);
  const deliveries = recorder.latencies.length;
  const firstSentAt = recorder.sentAt[0] ?? started;
  const seconds = deliveries > 0 ? (recorder.lastDeliveryAt - firstSentAt) / 1000 : 0;
  const sorted = Float64Array.from(recorder.latencies).sort();
  const latencies = Array.from(sorted);
  const average = deliveries > 0 ? latencies.reduce((a, b) => a + b, 0) / deliveries : 0;
  progress(
    `${options.title}: ${deliveries} deliveries, ${recorder.missing} missing, ` +
      `${recorder.duplicates} duplicates, ${failedSends} failed sends`,
  );
  return {
    measurement: {
      requestsPerSecond: seconds > 0 ? deliveries / seconds : 0,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      latencyAverageMs: average,
      requests: deliveries,
      durationSeconds: seconds,
      non2xx: failedSends,
      // A missing delivery makes the run invalid, like a failed request does.
      errors: recorder.missing,
      timeouts: 0,
      statusCodes: {},
      serverCpuMsPerRequest:
        cpuAtStart !== null && cpuAtEnd !== null && deliveries > 0
          ? (cpuAtEnd - cpuAtStart) / deliveries
          : null,
    },
    missing: recorder.missing,
    duplicates: recorder.duplicates,
    failedSends,
  };
}

async function sendQuietly(task: () => Promise<unknown>): Promise<boolean> {
  try {
    await task();
    return true;
  } catch (error) {
    progress(`send failed: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

interface KeelFanout {
  run: RunResult;
  connected: number;
  /** the item as Keel served it, which the baseline broadcasts */
  captured: Record<string, unknown>;
}

/**
 * Keel's side of (e): `inline` runs the outbox relay in the API process; `scaled` is the documented
 * scaled deployment, an API with WORKERS=off beside a worker process (dist/worker.js) that the API
 * wakes after each commit through Redis.
 */
async function keelFanout(
  ctx: SuiteContext,
  rt: RealtimeSettings,
  deployment: 'inline' | 'scaled',
): Promise<KeelFanout> {
  const options = {
    name: `keel (realtime, ${deployment})`,
    infra: ctx.infra,
    settings: ctx.settings,
    redisKeyPrefix: `${ctx.infra.redisKeyPrefix}rt-${deployment}:`,
    cacheTtlSeconds: 3600,
    workers: deployment === 'inline' ? ('inline' as const) : ('off' as const),
    env: { REALTIME_RATE_LIMIT: '1000' },
  };
  const keel = await startKeel(options);
  ctx.cleanup.add(`stop realtime Keel (${deployment})`, () => keel.child.stop());
  const worker =
    deployment === 'scaled'
      ? await startKeelWorker({ ...options, name: 'keel worker (realtime)' })
      : null;
  if (worker) ctx.cleanup.add('stop realtime worker', () => worker.stop());
  const keelClients = new FeedSockets<DeliveryRecorder>('Keel', ['item.updated']);
  ctx.cleanup.add(`close Keel sockets (${deployment})`, () => keelClients.close());
  try {
    const author = await signUp(keel.url, `rt-${deployment}-author`, ctx.runId);
    const readers = [];
    for (let u = 0; u < USERS; u++) {
      readers.push(await signUp(keel.url, `rt-${deployment}-${u}`, ctx.runId));
    }
    const created = await requestJson(`${keel.url}/items`, {
      method: 'POST',
      token: author.accessToken,
      body: { title: 'realtime bench', body: ITEM_BODY, tags: ['bench'], status: 'published' },
      expect: [201],
    });
    const itemId = stringField(created.body, 'id');

    progress(`e) connecting ${rt.sockets} sockets to Keel (${deployment})`);
    await keelClients.connect(
      keel.url,
      readers.map((r) => r.accessToken),
      rt.sockets,
    );
    const patch = (title: string): Promise<unknown> =>
      requestJson(`${keel.url}/items/${itemId}`, {
        method: 'PATCH',
        token: author.accessToken,
        body: { title },
        expect: [200],
      });
    // Warm-up, not recorded; then the item as Keel serves it, which the baseline broadcasts.
    for (let n = 0; n < WARMUP_UPDATES; n++) await patch(`realtime warm-up ${n}`);
    const captured: unknown = (
      await requestJson(`${keel.url}/items/${itemId}`, { token: author.accessToken, expect: [200] })
    ).body;
    if (!isRecord(captured)) throw new Error('GET /items/:id did not return an item');
    await sleep(500);

    progress(
      `e) Keel (${deployment}): ${rt.updates} PATCHes at ${rt.rate}/s to ${rt.sockets} feed clients`,
    );
    const run = await measureDeliveries({
      title: 'Keel',
      run: `keel-${deployment}-${ctx.runId}`,
      clients: keelClients,
      sockets: rt.sockets,
      settings: rt,
      server: keel.child,
      send: (_, title) => sendQuietly(() => patch(title)),
    });
    return { run, connected: keelClients.connected, captured };
  } finally {
    keelClients.close();
    await worker?.stop();
    await keel.child.stop();
  }
}

/** (e) PATCH of a published item → item.updated to every feed subscriber, vs a bare socket.io. */
async function feedFanout(ctx: SuiteContext, rt: RealtimeSettings): Promise<ScenarioResult[]> {
  const inline = await keelFanout(ctx, rt, 'inline');
  const scaled = await keelFanout(ctx, rt, 'scaled');
  const keelRun = inline.run;
  const keelConnected = inline.connected;
  const captured = inline.captured;
  const baseline = await startBaseline({
    name: 'baseline E (socket.io broadcast)',
    script: 'socketio-broadcast-server.ts',
    settings: ctx.settings,
    env: {},
  });
  ctx.cleanup.add('stop baseline E', () => baseline.child.stop());
  const baseClients = new FeedSockets<DeliveryRecorder>('baseline', ['item.updated']);
  ctx.cleanup.add('close baseline sockets', () => baseClients.close());
  let baseRun: RunResult;
  let baseConnected: number;
  try {
    progress(`e) connecting ${rt.sockets} sockets to the baseline`);
    await baseClients.connect(baseline.url, ['unused'], rt.sockets);
    const item = captured;
    const version = typeof item.version === 'number' ? item.version : 0;
    const emit = (n: number, title: string): Promise<unknown> =>
      requestJson(`${baseline.url}/emit`, {
        method: 'POST',
        body: { item: { ...item, title, version: version + n + 1 }, version: version + n + 1 },
        expect: [204],
      });
    for (let n = 0; n < WARMUP_UPDATES; n++) await emit(-1, `realtime warm-up ${n}`);
    await sleep(500);
    progress(`e) baseline: ${rt.updates} POST /emit at ${rt.rate}/s`);
    baseRun = await measureDeliveries({
      title: 'baseline',
      run: `baseline-${ctx.runId}`,
      clients: baseClients,
      sockets: rt.sockets,
      settings: rt,
      server: baseline.child,
      send: (n, title) => sendQuietly(() => emit(n, title)),
    });
    baseConnected = baseClients.connected;
  } finally {
    baseClients.close();
    await baseline.child.stop();
  }

  const p99 = keelRun.measurement.latencyP99Ms;
  const notes = [
    `events/s in the req/s columns: deliveries ÷ (first send → last delivery); ` +
      `${rt.updates} updates at ${rt.rate}/s to ${rt.sockets} sockets (${USERS} users), ` +
      `so at most ${rt.rate * rt.sockets} events/s`,
    `missing deliveries: Keel ${keelRun.missing}, baseline ${baseRun.missing} ` +
      `(duplicates: Keel ${keelRun.duplicates}, baseline ${baseRun.duplicates}; ` +
      `failed sends: Keel ${keelRun.failedSends}, baseline ${baseRun.failedSends}; ` +
      `sockets still connected at the end: Keel ${keelConnected}, baseline ${baseConnected})`,
    `Keel p99 ${p99.toFixed(1)} ms vs goal "p99 < ${GOAL_P99_MS} ms for 1,000 clients": ` +
      (rt.sockets < 1000 ? 'n/a (fewer sockets)' : p99 < GOAL_P99_MS ? 'pass' : 'fail'),
    `latency = receive time − time just before the PATCH (Keel) or POST /emit (baseline) was ` +
      `sent. Keel's includes the PATCH's HTTP handling, auth, DB transaction and the outbox ` +
      `relay; the baseline only parses the POST and broadcasts, so it has none of that`,
    'all sockets live in the bench process: its own event loop is part of both latencies',
    'server CPU "per request" here is per delivered event (Keel: PATCH, relay and fan-out)',
  ];
  const gap = scaled.run.measurement.latencyP99Ms - p99;
  return [
    scenarioResult({
      id: 'e',
      title: `realtime: PATCH → item.updated to ${rt.sockets} feed clients`,
      keel: keelRun.measurement,
      baseline: baseRun.measurement,
      goal: GOAL_RATIO,
      notes,
    }),
    scenarioResult({
      id: 'e2',
      title: `realtime, API WORKERS=off + worker: PATCH → item.updated to ${rt.sockets} clients`,
      keel: scaled.run.measurement,
      baseline: baseRun.measurement,
      goal: GOAL_RATIO,
      notes: [
        'the same run as (e) in the scaled deployment: the API commits and wakes the worker ' +
          'through Redis; the worker relays and broadcasts through the Redis emitter',
        `p99 ${scaled.run.measurement.latencyP99Ms.toFixed(1)} ms vs inline ${p99.toFixed(1)} ms: ` +
          `${gap >= 0 ? '+' : ''}${gap.toFixed(1)} ms (goal: within 50 ms) → ` +
          (gap <= 50 ? 'pass' : 'fail'),
        `missing deliveries ${scaled.run.missing}, duplicates ${scaled.run.duplicates}, ` +
          `sockets still connected at the end ${scaled.connected}`,
      ],
    }),
  ];
}

async function runRealtime(ctx: SuiteContext): Promise<ScenarioResult[]> {
  if (!wants(ctx.settings, 'e')) return [];
  return feedFanout(ctx, readRealtimeSettings());
}

export const realtimeSuite: BenchSuite = { name: 'realtime', run: runRealtime };
