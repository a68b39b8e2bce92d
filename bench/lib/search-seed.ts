import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createPool } from 'mysql2/promise';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { Corpus } from './corpus';

/** One item as Keel's POST /items stores it (items row + item_tags rows), version 1. */
export interface SeedItem {
  id: string;
  ownerId: string;
  title: string;
  body: string;
  tags: string[];
  status: 'draft' | 'published' | 'archived';
  createdAt: Date;
  deletedAt: Date | null;
}

const DAY_MS = 86_400_000;

/**
 * Items for the catalogue: owners spread evenly, 85 % published, 10 % drafts, 5 % archived, 1 %
 * soft-deleted, created over the past year (so the visibility predicate has rows to drop).
 */
export function catalogueItems(
  corpus: Corpus,
  count: number,
  owners: readonly string[],
): SeedItem[] {
  const now = Date.now();
  return Array.from({ length: count }, () => {
    const { title, body, tags } = corpus.item();
    const s = corpus.next();
    const createdAt = new Date(now - Math.floor(corpus.next() * 365 * DAY_MS));
    return {
      id: randomUUID(),
      ownerId: owners[Math.floor(corpus.next() * owners.length)] ?? owners[0] ?? '',
      title,
      body,
      tags,
      status: s < 0.85 ? 'published' : s < 0.95 ? 'draft' : 'archived',
      createdAt,
      deletedAt: corpus.next() < 0.01 ? new Date(createdAt.getTime() + 1000) : null,
    };
  });
}

/** Published items of one owner; item n has `markers[n]` in its body, for the bench to count. */
export function markedItems(
  corpus: Corpus,
  ownerId: string,
  markers: readonly string[],
): SeedItem[] {
  return markers.map((marker) => {
    const { title, body, tags } = corpus.item([marker]);
    return {
      id: randomUUID(),
      ownerId,
      title,
      body,
      tags,
      status: 'published',
      createdAt: new Date(),
      deletedAt: null,
    };
  });
}

/**
 * Writes straight into Keel's migrated schema through mysql2: multi-row INSERTs of the columns
 * Keel's own writes fill (users; items + item_tags in one transaction per batch, as POST /items
 * writes an item and its tags together). No outbox rows: on the database search driver nothing
 * reads them on the way to the index (InnoDB maintains the FULLTEXT indexes on commit).
 */
export class ItemSeeder {
  private readonly pool: Pool;

  constructor(databaseUrl: string, connections: number) {
    this.pool = createPool({
      uri: databaseUrl.replace(/^mariadb:/, 'mysql:'),
      connectionLimit: connections,
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
    });
  }

  /** Users who own the catalogue; they have no usable password (they never sign in). */
  async insertUsers(count: number, label: string): Promise<string[]> {
    const now = new Date();
    const rows = Array.from({ length: count }, (_, n) => [
      randomUUID(),
      `${label}-owner-${n}@bench.keel.test`,
      'not-a-password-hash',
      `Bench owner ${n}`,
      'user',
      1,
      now,
      now,
    ]);
    for (let i = 0; i < rows.length; i += 1000) {
      await this.pool.query(
        'INSERT INTO users (id, email, password_hash, display_name, role, is_active, ' +
          'created_at, updated_at) VALUES ?',
        [rows.slice(i, i + 1000)],
      );
    }
    return rows.map((r) => String(r[0]));
  }

  /**
   * Inserts `items` in transactions of `batchSize`, `concurrency` transactions at a time; returns
   * each transaction's time from BEGIN to the end of COMMIT, in ms.
   */
  async insertItems(
    items: readonly SeedItem[],
    options: { batchSize: number; concurrency: number },
  ): Promise<number[]> {
    const batches: SeedItem[][] = [];
    for (let i = 0; i < items.length; i += options.batchSize) {
      batches.push(items.slice(i, i + options.batchSize));
    }
    const times: number[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      const conn = await this.pool.getConnection();
      try {
        for (let b = next++; b < batches.length; b = next++) {
          const started = performance.now();
          await this.insertBatch(conn, batches[b] ?? []);
          times.push(performance.now() - started);
        }
      } finally {
        conn.release();
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency, batches.length) }, worker),
    );
    return times;
  }

  private async insertBatch(conn: PoolConnection, batch: readonly SeedItem[]): Promise<void> {
    const itemRows = batch.map((it) => [
      it.id,
      it.ownerId,
      it.title,
      it.body,
      JSON.stringify(it.tags),
      it.status,
      1,
      it.createdAt,
      it.createdAt,
      it.deletedAt,
    ]);
    const tagRows = batch.flatMap((it) => it.tags.map((tag) => [it.id, tag]));
    await conn.beginTransaction();
    try {
      await conn.query(
        'INSERT INTO items (id, owner_id, title, body, tags, status, version, created_at, ' +
          'updated_at, deleted_at) VALUES ?',
        [itemRows],
      );
      if (tagRows.length > 0) {
        await conn.query('INSERT INTO item_tags (item_id, tag) VALUES ?', [tagRows]);
      }
      await conn.commit();
    } catch (error) {
      await conn.rollback();
      throw error;
    }
  }

  /** Outbox rows not yet dispatched by Keel's relay. */
  async pendingOutboxRows(): Promise<number> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT COUNT(*) AS n FROM outbox WHERE dispatched_at IS NULL',
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Where the server writes its process id (meaningful when it runs on this machine). */
  async pidFile(): Promise<string> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT @@pid_file AS f');
    return String(rows[0]?.f ?? '');
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
