import { resolve } from 'node:path';

export interface BenchSettings {
  /** seconds measured per run */
  duration: number;
  /** seconds of warm-up before each measured run (same connections, not recorded) */
  warmup: number;
  connections: number;
  /** published items seeded through the API for the by-id scenarios */
  items: number;
  /** distinct item ids the cold scenario walks (the seeded items plus copies made in SQL) */
  coldIds: number;
  /** only these scenario ids (a, b, c, d, e); empty means all */
  scenarios: string[];
  /** MariaDB server (no database part); a database is created and dropped on it */
  databaseServerUrl: string;
  redisUrl: string;
  /** LOG_LEVEL of the Keel processes */
  keelLogLevel: string;
  /**
   * scenarios (ids) that get a second, profiled run printing CPU per request by layer
   * (BENCH_LAYERS, default a,b; "none" for none); Keel then runs with --inspect on the loopback
   */
  layers: string[];
  /** when set, Keel runs with --cpu-prof and writes its profiles here */
  cpuProfileDir: string | null;
  skipBuild: boolean;
  repoRoot: string;
}

/** An integer setting from the environment, 1…max, or the fallback when unset. */
export function positiveInt(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`${name} must be an integer from 1 to ${max} (got ${JSON.stringify(raw)})`);
  }
  return value;
}

function localUrl(name: string, fallback: string, protocols: string[]): string {
  const raw = process.env[name]?.trim() || fallback;
  const url = new URL(raw);
  if (!protocols.includes(url.protocol)) {
    throw new Error(`${name} must use ${protocols.join(' or ')} (got ${url.protocol})`);
  }
  if (url.pathname !== '' && url.pathname !== '/') {
    throw new Error(`${name} names a server, not a database (got path ${url.pathname})`);
  }
  return raw.replace(/\/$/, '');
}

export function readSettings(): BenchSettings {
  const profileDir = process.env.BENCH_CPU_PROF_DIR?.trim();
  return {
    duration: positiveInt('BENCH_DURATION', 10, 600),
    warmup: positiveInt('BENCH_WARMUP', 2, 60),
    connections: positiveInt('BENCH_CONNECTIONS', 10, 1000),
    items: positiveInt('BENCH_ITEMS', 2000, 100_000),
    coldIds: positiveInt('BENCH_COLD_IDS', 30_000, 1_000_000),
    scenarios: (process.env.BENCH_SCENARIOS ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s.length > 0),
    databaseServerUrl: localUrl('BENCH_DATABASE_URL', 'mariadb://root@127.0.0.1:3306', [
      'mariadb:',
      'mysql:',
    ]),
    redisUrl: localUrl('BENCH_REDIS_URL', 'redis://127.0.0.1:6379', ['redis:']),
    keelLogLevel: process.env.BENCH_KEEL_LOG_LEVEL?.trim() || 'warn',
    layers: (process.env.BENCH_LAYERS ?? 'a,b')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s.length > 0 && s !== 'none'),
    cpuProfileDir: profileDir ? resolve(profileDir) : null,
    skipBuild: process.env.BENCH_SKIP_BUILD === '1',
    repoRoot: resolve(__dirname, '..', '..'),
  };
}
