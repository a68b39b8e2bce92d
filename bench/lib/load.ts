import autocannon from 'autocannon';
import { processCpuMs } from './cpu';
import type { BenchSettings } from './settings';

export interface LoadSpec {
  title: string;
  /** base URL, always on the loopback interface */
  url: string;
  method?: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** when given, called before every request to choose its path (e.g. a different item id) */
  nextPath?: () => string;
  /** the server process, to measure its CPU time during the measured period */
  serverPid?: number;
  /** called when the measured period starts (after the warm-up), e.g. to sample another process */
  onMeasuredStart?: () => void;
}

export interface Measurement {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyAverageMs: number;
  requests: number;
  durationSeconds: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** server CPU time (user + system) per completed request, in ms; null when not measurable */
  serverCpuMsPerRequest: number | null;
}

/**
 * One autocannon run (warm-up, then the measured period) against a loopback URL. The run is bounded:
 * autocannon stops itself after warm-up + duration, and a watchdog stops it if it does not.
 */
export async function measure(spec: LoadSpec, settings: BenchSettings): Promise<Measurement> {
  const url = new URL(spec.url);
  if (url.hostname !== '127.0.0.1') throw new Error(`load only targets 127.0.0.1, not ${url.host}`);

  const request: autocannon.Request = {
    method: spec.method ?? 'GET',
    path: spec.path,
    headers: spec.headers,
    body: spec.body,
  };
  const { nextPath } = spec;
  if (nextPath) request.setupRequest = (req) => ({ ...req, path: nextPath() });

  const instance = autocannon({
    title: spec.title,
    url: url.origin,
    connections: settings.connections,
    duration: settings.duration,
    warmup: { connections: settings.connections, duration: settings.warmup },
    timeout: 10,
    requests: [request],
  });
  // 'start' fires for the measured period only (the warm-up runs on its own tracker).
  let cpuAtStart: number | null = null;
  instance.once('start', () => {
    cpuAtStart = processCpuMs(spec.serverPid);
    spec.onMeasuredStart?.();
  });
  const watchdogMs = (settings.warmup + settings.duration + 30) * 1000;
  let watchdog: NodeJS.Timeout | undefined;
  const overdue = new Promise<never>((_, reject) => {
    watchdog = setTimeout(() => {
      try {
        instance.stop();
      } catch {
        // Still in the warm-up, whose tracker has no stop(); the bench exits after cleanup anyway.
      }
      reject(new Error(`${spec.title}: autocannon still running after ${watchdogMs} ms`));
    }, watchdogMs);
  });
  try {
    const result = await Promise.race([instance, overdue]);
    const cpuAtEnd = processCpuMs(spec.serverPid);
    const requests = result.requests.total ?? 0;
    const statusCodes: Record<string, number> = {};
    for (const [code, stat] of Object.entries(result.statusCodeStats))
      statusCodes[code] = stat.count;
    return {
      requestsPerSecond: result.requests.average,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      latencyAverageMs: result.latency.average,
      requests,
      durationSeconds: result.duration,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      statusCodes,
      serverCpuMsPerRequest:
        cpuAtStart !== null && cpuAtEnd !== null && requests > 0
          ? (cpuAtEnd - cpuAtStart) / requests
          : null,
    };
  } finally {
    clearTimeout(watchdog);
  }
}

/**
 * A measurement counts only if every request got a 2xx answer, or, for a scenario that measures
 * an error answer, exactly `expectedStatus`.
 */
export function problemsOf(m: Measurement, expectedStatus?: number): string | null {
  if (m.requests === 0) return 'no requests completed';
  const unexpected = Object.entries(m.statusCodes).filter(([code]) =>
    expectedStatus === undefined ? !code.startsWith('2') : code !== String(expectedStatus),
  );
  if (m.errors > 0 || unexpected.length > 0) {
    const codes = unexpected.map(([code, n]) => `${n}x${code}`).join(' ');
    const count = unexpected.reduce((sum, [, n]) => sum + n, 0);
    return `${count} unexpected${codes ? ` (${codes})` : ''}, ${m.errors} errors`;
  }
  return null;
}
