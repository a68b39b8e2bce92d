import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { eventsSuite } from './events.bench';
import { graphqlSuite } from './graphql.bench';
import { itemsSuite } from './items.bench';
import { realtimeSuite } from './realtime.bench';
import { searchSuite } from './search.bench';
import { soakSuite } from './soak.bench';
import { Cleanup } from './lib/cleanup';
import { buildKeel } from './lib/keel';
import type { BenchInfra } from './lib/keel';
import { errorMessage, out, progress } from './lib/log';
import { createDatabase, databaseUrl, dropDatabase } from './lib/mariadb';
import { connectRedis, deleteKeysWithPrefix } from './lib/redis';
import { readSettings } from './lib/settings';
import type { BenchSettings } from './lib/settings';
import type { BenchSuite } from './lib/suite';
import { formatTable } from './lib/table';
import type { ScenarioResult } from './lib/table';

/**
 * `npm run bench [suite...]`: builds Keel, provisions a throw-away MariaDB database and Redis key
 * prefix, runs the suites (each starts the Keel processes and baselines it needs), prints one
 * table and writes bench/results/<suites>-<timestamp>.json. Everything it created is removed at the
 * end, also after a failure or Ctrl-C.
 */
const SUITES: BenchSuite[] = [
  itemsSuite,
  realtimeSuite,
  searchSuite,
  graphqlSuite,
  eventsSuite,
  soakSuite,
];

function chooseSuites(names: string[]): BenchSuite[] {
  if (names.length === 0) return SUITES;
  return names.map((name) => {
    const suite = SUITES.find((s) => s.name === name);
    if (!suite) {
      throw new Error(`unknown suite ${name} (known: ${SUITES.map((s) => s.name).join(', ')})`);
    }
    return suite;
  });
}

async function provision(
  settings: BenchSettings,
  runId: string,
  cleanup: Cleanup,
): Promise<BenchInfra> {
  const scratchDir = mkdtempSync(join(tmpdir(), 'keel-bench-'));
  cleanup.add('remove scratch directory', () =>
    rmSync(scratchDir, { recursive: true, force: true }),
  );

  const databaseName = `keel_bench_${runId}`;
  await createDatabase(settings.databaseServerUrl, databaseName);
  cleanup.add(`drop database ${databaseName}`, () =>
    dropDatabase(settings.databaseServerUrl, databaseName),
  );
  progress(`created database ${databaseName}`);

  return {
    databaseName,
    databaseUrl: databaseUrl(settings.databaseServerUrl, databaseName),
    redisUrl: settings.redisUrl,
    redisKeyPrefix: `keel_bench_${runId}:`,
    scratchDir,
    jwtSecret: randomBytes(36).toString('base64url'),
  };
}

function gitRevision(repoRoot: string): string | null {
  const rev = spawnSync('git', ['describe', '--always', '--dirty'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 10_000,
  });
  return rev.status === 0 ? rev.stdout.trim() : null;
}

function writeResults(
  settings: BenchSettings,
  suites: BenchSuite[],
  startedAt: Date,
  results: ScenarioResult[],
): string {
  const dir = join(settings.repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `${suites.map((s) => s.name).join('-')}-${stamp}.json`);
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    revision: gitRevision(settings.repoRoot),
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null },
    settings: {
      durationSeconds: settings.duration,
      warmupSeconds: settings.warmup,
      connections: settings.connections,
      items: settings.items,
      keelLogLevel: settings.keelLogLevel,
      cpuProfileDir: settings.cpuProfileDir,
    },
    results,
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return relative(settings.repoRoot, file);
}

async function main(): Promise<number> {
  const settings = readSettings();
  const suites = chooseSuites(process.argv.slice(2));
  const runId = randomBytes(4).toString('hex');
  const startedAt = new Date();
  const cleanup = new Cleanup();

  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    progress(`${signal}: cleaning up`);
    void cleanup.runAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    buildKeel(settings);
    const redis = connectRedis(settings.redisUrl);
    cleanup.add('close Redis connection', async () => {
      await redis.quit();
    });
    await redis.ping();
    const infra = await provision(settings, runId, cleanup);
    cleanup.add(`delete Redis keys ${infra.redisKeyPrefix}*`, async () => {
      const n = await deleteKeysWithPrefix(redis, infra.redisKeyPrefix);
      progress(`deleted ${n} Redis keys under ${infra.redisKeyPrefix}`);
    });
    progress(
      `run ${runId}: ${settings.connections} connections, ${settings.warmup} s warm-up + ` +
        `${settings.duration} s per run, ${cpus().length} CPUs`,
    );

    const results: ScenarioResult[] = [];
    for (const suite of suites) {
      results.push(...(await suite.run({ settings, infra, cleanup, runId, redis })));
    }

    out('');
    out(formatTable(results));
    out('');
    out(`results: ${writeResults(settings, suites, startedAt, results)}`);
    return results.some((r) => r.verdict === 'invalid') ? 1 : 0;
  } catch (error) {
    progress(`failed: ${errorMessage(error)}`);
    return 1;
  } finally {
    await cleanup.runAll();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    progress(`failed: ${errorMessage(error)}`);
    process.exit(1);
  },
);
