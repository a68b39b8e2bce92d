import { createPool } from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2/promise';
import { requiredEnv, serveItems } from './baseline-server';

/**
 * Baseline B: verify the JWT, run the primary-key query Keel runs on a cache miss (text protocol,
 * like TypeORM, pool of 10 like Keel's default DATABASE_POOL_SIZE) and answer with the same JSON
 * shape as Keel's ItemDto.
 */
const pool = createPool({
  uri: requiredEnv('DATABASE_URL').replace(/^mariadb:/, 'mysql:'),
  connectionLimit: 10,
  timezone: 'Z',
  charset: 'utf8mb4_unicode_ci',
  enableKeepAlive: true,
});

interface ItemRow extends RowDataPacket {
  id: string;
  owner_id: string;
  title: string;
  body: string;
  tags: string | null;
  status: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const SQL =
  'SELECT id, owner_id, title, body, tags, status, version, created_at, updated_at ' +
  'FROM items WHERE id = ? AND deleted_at IS NULL LIMIT 1';

serveItems({
  load: async (id) => {
    const [rows] = await pool.query<ItemRow[]>(SQL, [id]);
    const row = rows[0];
    if (!row) return null;
    const item = {
      id: row.id,
      ownerId: row.owner_id,
      title: row.title,
      body: row.body,
      tags: row.tags ? (JSON.parse(row.tags) as string[]) : [],
      status: row.status,
      version: row.version,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
    return { json: JSON.stringify(item), version: row.version };
  },
  close: () => pool.end(),
});
