import { createConnection } from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';

async function connectToServer(serverUrl: string): Promise<Connection> {
  const url = new URL(serverUrl);
  return createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    connectTimeout: 5000,
  });
}

const SAFE_NAME = /^keel_bench_[a-z0-9_]+$/;

/** Creates an empty database for this run; Keel's migrations create the schema at boot. */
export async function createDatabase(serverUrl: string, name: string): Promise<void> {
  if (!SAFE_NAME.test(name)) throw new Error(`refusing database name ${name}`);
  const conn = await connectToServer(serverUrl);
  try {
    await conn.query(
      `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await conn.end();
  }
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  if (!SAFE_NAME.test(name)) throw new Error(`refusing database name ${name}`);
  const conn = await connectToServer(serverUrl);
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await conn.end();
  }
}

/** `mariadb://user@host:port` + database, as Keel's DATABASE_URL expects it. */
export function databaseUrl(serverUrl: string, name: string): string {
  return `${serverUrl.replace(/\/$/, '')}/${name}`;
}
