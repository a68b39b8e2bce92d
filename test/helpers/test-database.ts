import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import Redis from 'ioredis';

export type TestProfile = 'sqlite' | 'mariadb';

export interface TestInfra {
  profile: TestProfile;
  /** Environment variables that point the app at this file's own database (and Redis). */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'mariadb://root@127.0.0.1:3306/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function currentProfile(): TestProfile {
  return process.env.KEEL_TEST_PROFILE === 'mariadb' ? 'mariadb' : 'sqlite';
}

async function assertRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `e2e:mariadb profile: Redis is not reachable at ${url} (${(error as Error).message}). ` +
        'Start it (redis-server) or point TEST_REDIS_URL at one.',
    );
  } finally {
    redis.disconnect();
  }
}

/**
 * A fresh, empty database for one test file: a temporary SQLite file, or a new MariaDB database
 * (dropped afterwards) plus a unique Redis key prefix. An unreachable MariaDB or Redis fails the
 * file: the full-stack profile is never skipped silently (outside CI, jest.config.js leaves the
 * project out beforehand and says so when they do not answer). The default URLs are also in
 * test/setup/full-stack.js.
 */
export async function provisionInfra(profile: TestProfile = currentProfile()): Promise<TestInfra> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-e2e-'));
  if (profile === 'sqlite') {
    return {
      profile,
      env: { SQLITE_PATH: join(dataDir, 'keel.sqlite'), DATA_DIR: dataDir },
      cleanup: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })),
    };
  }

  const server = new URL(TEST_DATABASE_URL);
  const database = `keel_e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
  let admin;
  try {
    admin = await createConnection({
      host: server.hostname,
      port: Number(server.port || 3306),
      user: decodeURIComponent(server.username || 'root'),
      password: decodeURIComponent(server.password),
      connectTimeout: 3000,
    });
  } catch (error) {
    throw new Error(
      `e2e:mariadb profile: MariaDB is not reachable at ${server.host} (${(error as Error).message}). ` +
        'Start it or point TEST_DATABASE_URL at one.',
    );
  }
  await admin.query(
    `CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  );
  await admin.end();
  await assertRedis(TEST_REDIS_URL);

  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  return {
    profile,
    env: {
      DATABASE_URL: url.toString(),
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `keel-test:${database}:`,
      DATA_DIR: dataDir,
    },
    cleanup: async () => {
      const conn = await createConnection({
        host: server.hostname,
        port: Number(server.port || 3306),
        user: decodeURIComponent(server.username || 'root'),
        password: decodeURIComponent(server.password),
      });
      await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await conn.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
