import { testKeyPrefix } from '../helpers/redis-keys';
import { TcpProxy } from '../helpers/tcp-proxy';
import { provisionInfra, TEST_REDIS_URL, type TestInfra } from '../helpers/test-database';

/** A fresh MariaDB database, and the app's DATABASE_URL pointing at it through a proxy. */
export interface ProxiedDatabase {
  proxy: TcpProxy;
  infra: TestInfra;
  /** DATABASE_URL through the proxy (the infra's own URL reaches MariaDB directly). */
  databaseUrl: string;
}

export async function proxiedDatabase(): Promise<ProxiedDatabase> {
  const infra = await provisionInfra('mariadb');
  const direct = new URL(infra.env.DATABASE_URL);
  const proxy = await new TcpProxy(direct.hostname, Number(direct.port || 3306)).start();
  const viaProxy = new URL(direct.toString());
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  return { proxy, infra, databaseUrl: viaProxy.toString() };
}

/** A proxy to the local Redis and a key prefix of its own (drop it with `dropRedisKeys`). */
export async function proxiedRedis(): Promise<{ proxy: TcpProxy; env: Record<string, string> }> {
  const redis = new URL(TEST_REDIS_URL);
  const proxy = await new TcpProxy(redis.hostname, Number(redis.port || 6379)).start();
  return {
    proxy,
    env: {
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      REDIS_KEY_PREFIX: testKeyPrefix('keel-fault'),
    },
  };
}

export { dropRedisKeys } from '../helpers/redis-keys';

/** Runs `fn` and returns its result with how long it took. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: Math.round(performance.now() - started) };
}

/** Figures the suite measured, printed once at the end of each file (see the report in CI logs). */
export function report(title: string, figures: Record<string, unknown>): void {
  process.stdout.write(`\n[faults] ${title}: ${JSON.stringify(figures)}\n`);
}
