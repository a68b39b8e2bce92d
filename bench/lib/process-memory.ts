import { readFileSync } from 'node:fs';

/** One look at the server's memory (and the machine's load) at a point of the run. */
export interface MemorySample {
  /** seconds since the measured period started (negative: warm-up) */
  atSeconds: number;
  /** VmRSS from /proc/<pid>/status, bytes; null where /proc is not available */
  rssBytes: number | null;
  /** prom-client's nodejs_heap_size_used_bytes from Keel's /metrics; null when unreadable */
  heapUsedBytes: number | null;
  heapTotalBytes: number | null;
  externalBytes: number | null;
  /** nodejs_eventloop_lag_p99_seconds, in ms */
  eventLoopLagP99Ms: number | null;
  activeHandles: number | null;
  /** the 1-minute load average of the machine */
  loadAverage1m: number | null;
}

/** VmRSS of a process in bytes, from /proc. */
export function processRssBytes(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** The machine's /proc/loadavg line (1, 5 and 15 minutes, runnable/total, last pid). */
export function loadAverageLine(): string | null {
  try {
    return readFileSync('/proc/loadavg', 'utf8').trim();
  } catch {
    return null;
  }
}

function loadAverage1m(): number | null {
  const line = loadAverageLine();
  const value = line === null ? NaN : Number(line.split(' ')[0]);
  return Number.isFinite(value) ? value : null;
}

/** The value of a metric without labels in Prometheus text, or null when absent. */
export function metricValue(text: string, name: string): number | null {
  const match = new RegExp(`^${name} ([^ \\n]+)`, 'm').exec(text);
  if (!match) return null;
  const value = Number(match[1]);
  return Number.isFinite(value) ? value : null;
}

/** Reads Keel's /metrics (bearer token) and /proc for the server process. */
export async function sampleMemory(options: {
  keelUrl: string;
  metricsToken: string;
  pid: number | undefined;
  atSeconds: number;
}): Promise<MemorySample> {
  let text = '';
  try {
    const res = await fetch(`${options.keelUrl}/metrics`, {
      headers: { authorization: `Bearer ${options.metricsToken}` },
      signal: AbortSignal.timeout(5000),
    });
    text = await res.text();
    if (res.status !== 200) text = '';
  } catch {
    text = '';
  }
  const lag = metricValue(text, 'nodejs_eventloop_lag_p99_seconds');
  return {
    atSeconds: options.atSeconds,
    rssBytes: processRssBytes(options.pid),
    heapUsedBytes: metricValue(text, 'nodejs_heap_size_used_bytes'),
    heapTotalBytes: metricValue(text, 'nodejs_heap_size_total_bytes'),
    externalBytes: metricValue(text, 'nodejs_external_memory_bytes'),
    eventLoopLagP99Ms: lag === null ? null : lag * 1000,
    activeHandles: metricValue(text, 'nodejs_active_handles_total'),
    loadAverage1m: loadAverage1m(),
  };
}
