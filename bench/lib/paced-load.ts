import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** One kind of request sent at a fixed rate (an open loop: sends do not wait for answers). */
export interface PacedRoute {
  /** how the route is reported, e.g. `GET /items/:id` */
  name: string;
  /** requests per second */
  rate: number;
  /** builds request `n` (0-based, per route) */
  next: (n: number) => PacedRequest;
  /** called with a successful answer (e.g. to count a write); not called for errors */
  onSuccess?: (n: number, status: number, body: string) => void;
}

export interface PacedRequest {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** What one route did in one phase (warm-up or measured). */
export interface RouteStats {
  sent: number;
  /** answered with 2xx or 3xx */
  ok: number;
  /** answered with another status */
  badStatus: number;
  /** no answer: connection refused or reset, timeout, more than MAX_IN_FLIGHT waiting */
  transportErrors: number;
  statusCodes: Record<string, number>;
  /** ms from the request being handed to the socket pool to the last byte of the answer (ok only) */
  latencies: number[];
  /** first few error descriptions, to explain a failure */
  errorSamples: string[];
}

export interface PacedRun {
  warmup: Map<string, RouteStats>;
  measured: Map<string, RouteStats>;
  /** largest delay of a send behind its schedule (the bench's own event loop), in ms */
  maxSendLagMs: number;
  /** performance.now() when the measured period started and ended */
  measuredFrom: number;
  measuredTo: number;
}

const REQUEST_TIMEOUT_MS = 10_000;
/** A route with this many requests unanswered is overloaded: further sends count as errors. */
const MAX_IN_FLIGHT = 200;
const ERROR_SAMPLES = 5;
/** Below Keel's default HTTP_KEEP_ALIVE_TIMEOUT_MS (5 s) with a margin. */
const IDLE_SOCKET_MS = 2000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function emptyStats(): RouteStats {
  return {
    sent: 0,
    ok: 0,
    badStatus: 0,
    transportErrors: 0,
    statusCodes: {},
    latencies: [],
    errorSamples: [],
  };
}

function noteError(stats: RouteStats, message: string): void {
  if (stats.errorSamples.length < ERROR_SAMPLES) stats.errorSamples.push(message);
}

interface Answer {
  status: number;
  body: string;
}

function send(agent: Agent, base: URL, req: PacedRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(req.body));
    }
    const r = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers,
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

/**
 * Sends every route at its rate for `warmupSeconds` + `seconds` through keep-alive connections to
 * a loopback URL. Request n of a route is due at start + n / rate and is sent then whatever the
 * earlier ones are doing; answers of the measured period are counted apart from the warm-up's.
 * `onMeasuredStart` runs when the measured period begins. Resolves when every request has been
 * answered or has failed.
 */
export async function runPaced(options: {
  url: string;
  routes: readonly PacedRoute[];
  warmupSeconds: number;
  seconds: number;
  onMeasuredStart?: () => void;
}): Promise<PacedRun> {
  const base = new URL(options.url);
  if (base.hostname !== '127.0.0.1')
    throw new Error(`load only targets 127.0.0.1, not ${base.host}`);
  // Idle connections are dropped by the client before the server's keep-alive timeout would
  // close them (Node 20's server closes at exactly the `Keep-Alive: timeout=5` it announces, so a
  // request sent on a connection idle for ~5 s can meet the close: ECONNRESET, not Keel's doing).
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 64,
    maxFreeSockets: 64,
    timeout: IDLE_SOCKET_MS,
  });
  const warmup = new Map<string, RouteStats>();
  const measured = new Map<string, RouteStats>();
  for (const route of options.routes) {
    warmup.set(route.name, emptyStats());
    measured.set(route.name, emptyStats());
  }
  const started = performance.now();
  const measuredFrom = started + options.warmupSeconds * 1000;
  const measuredTo = measuredFrom + options.seconds * 1000;
  let maxSendLagMs = 0;
  const pending = new Set<Promise<void>>();

  const fire = (route: PacedRoute, n: number, stats: RouteStats, inFlight: { n: number }): void => {
    stats.sent += 1;
    if (inFlight.n >= MAX_IN_FLIGHT) {
      stats.transportErrors += 1;
      noteError(stats, `${MAX_IN_FLIGHT} requests already waiting for an answer`);
      return;
    }
    let req: PacedRequest;
    try {
      req = route.next(n);
    } catch (error) {
      stats.transportErrors += 1;
      noteError(stats, `could not build request: ${String(error)}`);
      return;
    }
    inFlight.n += 1;
    const sentAt = performance.now();
    const done = send(agent, base, req).then(
      (answer) => {
        const code = String(answer.status);
        stats.statusCodes[code] = (stats.statusCodes[code] ?? 0) + 1;
        if (answer.status >= 200 && answer.status < 400) {
          stats.ok += 1;
          stats.latencies.push(performance.now() - sentAt);
          route.onSuccess?.(n, answer.status, answer.body);
        } else {
          stats.badStatus += 1;
          noteError(stats, `${req.method} ${req.path} → ${code} ${answer.body.slice(0, 300)}`);
        }
      },
      (error: unknown) => {
        stats.transportErrors += 1;
        noteError(
          stats,
          `${req.method} ${req.path}: ${error instanceof Error ? error.message : String(error)}`,
        );
      },
    );
    const tracked = done.finally(() => {
      inFlight.n -= 1;
      pending.delete(tracked);
    });
    pending.add(tracked);
  };

  const pace = async (route: PacedRoute): Promise<void> => {
    const intervalMs = 1000 / route.rate;
    const inFlight = { n: 0 };
    for (let n = 0; ; n++) {
      const due = started + n * intervalMs;
      if (due >= measuredTo) return;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      maxSendLagMs = Math.max(maxSendLagMs, performance.now() - due);
      const phase = due < measuredFrom ? warmup : measured;
      const stats = phase.get(route.name) ?? emptyStats();
      fire(route, n, stats, inFlight);
    }
  };

  let startTimer: NodeJS.Timeout | undefined;
  if (options.onMeasuredStart) {
    const callback = options.onMeasuredStart;
    startTimer = setTimeout(callback, Math.max(0, measuredFrom - performance.now()));
  }
  try {
    await Promise.all(options.routes.map(pace));
    while (pending.size > 0) await Promise.all([...pending]);
  } finally {
    clearTimeout(startTimer);
    agent.destroy();
  }
  return { warmup, measured, maxSendLagMs, measuredFrom, measuredTo };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? 0;
}
