import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedChild } from './child';
import { requestJson, stringField } from './http';
import { progress } from './log';
import { freePort, LOOPBACK, waitForOk } from './net';
import type { BenchSettings } from './settings';

/** What one bench run provisions: its own database, Redis key prefix and scratch directory. */
export interface BenchInfra {
  databaseName: string;
  databaseUrl: string;
  redisUrl: string;
  /** unique per run; every Redis key the run creates starts with it */
  redisKeyPrefix: string;
  /** Keel's working directory and DATA_DIR: no .env there, so a developer's .env cannot leak in */
  scratchDir: string;
  jwtSecret: string;
}

export const JWT_ISSUER = 'keel';
export const JWT_AUDIENCE = 'keel-api';

/** Compiles Keel (dist/main.js) unless BENCH_SKIP_BUILD=1 and a build exists. */
export function buildKeel(settings: BenchSettings): void {
  const main = join(settings.repoRoot, 'dist', 'main.js');
  if (settings.skipBuild && existsSync(main)) {
    progress('BENCH_SKIP_BUILD=1: using the existing dist/');
    return;
  }
  progress('building Keel (npm run build)');
  const result = spawnSync('npm', ['run', 'build'], {
    cwd: settings.repoRoot,
    // stdout is kept for the results table: the build's output goes to stderr.
    stdio: ['ignore', 2, 2],
    timeout: 300_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0 || !existsSync(main)) {
    throw new Error(`npm run build failed (status ${result.status ?? result.signal ?? '?'})`);
  }
}

export interface KeelOptions {
  name: string;
  infra: BenchInfra;
  settings: BenchSettings;
  redisKeyPrefix: string;
  cacheTtlSeconds: number;
  /** inline: this process runs the outbox relay; off: HTTP only */
  workers: 'inline' | 'off';
  /**
   * mariadb (default): the run's database and Redis; sqlite: the embedded profile, SQLite in the
   * scratch directory and no Redis
   */
  database?: 'mariadb' | 'sqlite';
  /** start with the DevTools inspector on a loopback port (for profileLayers) */
  inspect?: boolean;
  /** further settings for this instance (e.g. REALTIME_RATE_LIMIT); they override the defaults */
  env?: Record<string, string>;
}

export interface KeelProcess {
  url: string;
  child: ManagedChild;
  /** the DevTools inspector's loopback port, when the run profiles layers (BENCH_LAYERS) */
  inspectPort: number | null;
}

/** The environment of a Keel process: a clean one, only what is listed here reaches Keel. */
function keelEnv(options: KeelOptions, port: number): NodeJS.ProcessEnv {
  const { infra, settings } = options;
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    HOST: LOOPBACK,
    PORT: String(port),
    ...(options.database === 'sqlite'
      ? { SQLITE_PATH: join(infra.scratchDir, `${options.name.replace(/\W/g, '_')}.sqlite`) }
      : {
          DATABASE_URL: infra.databaseUrl,
          REDIS_URL: infra.redisUrl,
          REDIS_KEY_PREFIX: options.redisKeyPrefix,
        }),
    JWT_SECRET: infra.jwtSecret,
    JWT_ISSUER,
    JWT_AUDIENCE,
    // Tokens are obtained once per run; they must outlive the longest run.
    JWT_ACCESS_TTL: '7200',
    // The schema's maximum: registration and login are setup here, not what is measured.
    AUTH_RATE_LIMIT: '10000',
    CACHE_TTL_SECONDS: String(options.cacheTtlSeconds),
    WORKERS: options.workers,
    LOG_LEVEL: settings.keelLogLevel,
    DATA_DIR: infra.scratchDir,
    ...options.env,
  };
}

/**
 * Starts `node dist/worker.js` (the outbox relay and queue workers of a scaled deployment, beside
 * an API with WORKERS=off) and waits for its start line.
 */
export async function startKeelWorker(options: KeelOptions): Promise<ManagedChild> {
  const child = ManagedChild.start({
    name: options.name,
    args: [join(options.settings.repoRoot, 'dist', 'worker.js')],
    cwd: options.infra.scratchDir,
    // The worker serves no HTTP; a free port only keeps the configuration valid.
    env: keelEnv(options, await freePort()),
  });
  const deadline = Date.now() + 90_000;
  while (!child.recentOutput().includes('Keel worker running')) {
    if (child.exit !== null || Date.now() > deadline) {
      await child.stop();
      throw new Error(`${options.name} did not start: ${child.recentOutput()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  progress(`${options.name} running`);
  return child;
}

/** Starts `node dist/main.js` as production would run it and waits for /health/ready. */
export async function startKeel(options: KeelOptions): Promise<KeelProcess> {
  const { infra, settings } = options;
  const port = await freePort();
  // BENCH_NODE_FLAGS: V8/Node flags to try on Keel (e.g. "--max-semi-space-size=16"), space-separated.
  const execArgv: string[] = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  if (settings.cpuProfileDir) {
    mkdirSync(settings.cpuProfileDir, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${settings.cpuProfileDir}`);
  }
  // An inspector nobody is attached to costs nothing measurable; sessions attach per profiled run.
  const inspectPort = options.inspect ? await freePort() : null;
  if (inspectPort !== null) execArgv.push(`--inspect=${LOOPBACK}:${inspectPort}`);
  const child = ManagedChild.start({
    name: options.name,
    args: [...execArgv, join(settings.repoRoot, 'dist', 'main.js')],
    cwd: infra.scratchDir,
    env: keelEnv(options, port),
  });
  const url = `http://${LOOPBACK}:${port}`;
  try {
    await waitForOk(`${url}/health/ready`, child, 90_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  progress(`${options.name} ready on ${url}`);
  return { url, child, inspectPort };
}

export interface SignedIn {
  userId: string;
  accessToken: string;
}

/** Registers a user and signs in through Keel's own API. */
export async function signUp(keelUrl: string, label: string, runId: string): Promise<SignedIn> {
  const email = `${label}-${runId}@bench.keel.test`;
  const password = `bench-${runId}-password`;
  const created = await requestJson(`${keelUrl}/auth/register`, {
    method: 'POST',
    body: { email, password, displayName: `Bench ${label}` },
    expect: [201],
  });
  const tokens = await requestJson(`${keelUrl}/auth/login`, {
    method: 'POST',
    body: { email, password },
    expect: [200],
  });
  return {
    userId: stringField(created.body, 'id'),
    accessToken: stringField(tokens.body, 'accessToken'),
  };
}
