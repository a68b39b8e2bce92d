import { randomUUID } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';

/** A connection to the server of `serverUrl`, and to its database when the URL names one. */
async function connectToServer(serverUrl: string): Promise<Connection> {
  const url = new URL(serverUrl);
  const database = url.pathname.replace(/^\//, '');
  return createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    ...(database ? { database } : {}),
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

/**
 * Adds `count` copies of the database's existing live items (new random ids, same owner, fields
 * and timestamps) and returns their ids: a pool of distinct ids for reads that must miss every
 * cache, seeded in bulk because the API would take minutes for tens of thousands. Only the items
 * table is written (a by-id read does not touch item_tags or the outbox).
 */
export async function cloneItems(databaseUrlWithName: string, count: number): Promise<string[]> {
  const conn = await connectToServer(databaseUrlWithName);
  try {
    const [rows] = await conn.query(
      'SELECT owner_id, title, body, tags, status, version, created_at, updated_at FROM items ' +
        'WHERE deleted_at IS NULL',
    );
    const sources = rows as Record<string, unknown>[];
    if (sources.length === 0) throw new Error('no items to clone');
    const ids: string[] = [];
    const BATCH = 500;
    for (let start = 0; start < count; start += BATCH) {
      const values: unknown[][] = [];
      for (let i = start; i < Math.min(count, start + BATCH); i += 1) {
        const s = sources[i % sources.length] ?? {};
        const id = randomUUID();
        ids.push(id);
        values.push([
          id,
          s.owner_id,
          s.title,
          s.body,
          s.tags,
          s.status,
          s.version,
          s.created_at,
          s.updated_at,
        ]);
      }
      await conn.query(
        'INSERT INTO items (id, owner_id, title, body, tags, status, version, created_at, ' +
          'updated_at) VALUES ?',
        [values],
      );
    }
    return ids;
  } finally {
    await conn.end();
  }
}

/** Deletes the items `cloneItems` added, so that later scenarios see only the seeded ones. */
export async function deleteItems(
  databaseUrlWithName: string,
  ids: readonly string[],
): Promise<void> {
  const conn = await connectToServer(databaseUrlWithName);
  try {
    for (let start = 0; start < ids.length; start += 1000) {
      await conn.query('DELETE FROM items WHERE id IN (?)', [ids.slice(start, start + 1000)]);
    }
  } finally {
    await conn.end();
  }
}
