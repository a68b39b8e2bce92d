import type { IncomingMessage, ServerResponse } from 'node:http';
import { createPool } from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2/promise';
import { highlightItem } from '../../src/modules/search/database/highlight';
import { mysqlBooleanQuery, searchWords } from '../../src/modules/search/database/search-text';
import { listen, requiredEnv, send, tokenViewer } from './baseline-server';

/**
 * Baseline for GET /search/items?q=&limit= on the database driver: a bare Node HTTP server that
 * checks the access token the way the other baselines do (HS256, issuer, audience, `exp`, `sub`)
 * and then runs, through mysql2, the statements Keel's DatabaseSearchIndex runs on MariaDB for the
 * first page of a query, in the same order: the ranked page with the count of all matches
 * (MATCH … AGAINST in boolean mode, title boost, GET /items' visibility for a non-admin viewer,
 * ORDER BY score DESC, id ASC, COUNT(*) OVER ()), then the page's items by primary key; and it
 * answers the same JSON (the same query-text reduction and highlights, imported from Keel as pure
 * functions, and the same offset cursor). Only q and limit are supported; the viewer is the
 * token's `sub`, taken to be a plain user (the bench's reader is). No user lookup, validation
 * pipe, guards, interceptors or ORM: what is left is the database's work and the unavoidable JSON.
 */
const pool = createPool({
  uri: requiredEnv('DATABASE_URL').replace(/^mariadb:/, 'mysql:'),
  // Keel's default DATABASE_POOL_SIZE.
  connectionLimit: 10,
  timezone: 'Z',
  charset: 'utf8mb4_unicode_ci',
  enableKeepAlive: true,
});

const viewerOf = tokenViewer();

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const MAX_OFFSET = 100_000;

interface RankedRow extends RowDataPacket {
  id: string;
  score: number | string | null;
  total: number | string;
}

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
  deleted_at: Date | null;
}

const VISIBLE = "i.deleted_at IS NULL AND (i.status = 'published' OR i.owner_id = ?)";
const MATCH_WHERE = 'MATCH(i.title, i.body) AGAINST (? IN BOOLEAN MODE)';
const SCORE =
  '(2 * MATCH(i.title) AGAINST (? IN BOOLEAN MODE) + ' +
  'MATCH(i.title, i.body) AGAINST (? IN BOOLEAN MODE))';
const RANKED_SQL =
  'SELECT r.id AS id, r.score AS score, COUNT(*) OVER () AS total FROM ' +
  `(SELECT i.id AS id, ${SCORE} AS score FROM items i WHERE ${MATCH_WHERE} AND ${VISIBLE}) r ` +
  'ORDER BY r.score DESC, r.id ASC LIMIT ? OFFSET ?';
const ITEMS_SQL =
  'SELECT id, owner_id, title, body, tags, status, version, created_at, updated_at, deleted_at ' +
  'FROM items WHERE id IN (?)';

const offsetCursor = (offset: number): string | null =>
  offset > MAX_OFFSET
    ? null
    : Buffer.from(JSON.stringify(['relevance', offset])).toString('base64url');

async function search(viewerId: string, words: string[], limit: number): Promise<string> {
  const against = mysqlBooleanQuery(words);
  if (against === null) return JSON.stringify({ data: [], total: 0, nextCursor: null });
  const [ranked] = await pool.query<RankedRow[]>(RANKED_SQL, [
    against,
    against,
    against,
    viewerId,
    limit + 1,
    0,
  ]);
  const page = ranked.slice(0, limit);
  const items = new Map<string, ItemRow>();
  if (page.length > 0) {
    const [rows] = await pool.query<ItemRow[]>(ITEMS_SQL, [page.map((r) => r.id)]);
    for (const row of rows) if (row.deleted_at === null) items.set(row.id, row);
  }
  const data = [];
  for (const r of page) {
    const row = items.get(r.id);
    if (!row) continue;
    data.push({
      item: {
        id: row.id,
        ownerId: row.owner_id,
        title: row.title,
        body: row.body,
        tags: row.tags ? (JSON.parse(row.tags) as string[]) : [],
        status: row.status,
        version: row.version,
        createdAt: row.created_at.toISOString(),
        updatedAt: row.updated_at.toISOString(),
      },
      score: Number(r.score ?? 0),
      highlights: highlightItem(row, words),
    });
  }
  return JSON.stringify({
    data,
    // The first page only: it has a row to carry the count whenever there is a match.
    total: Number(ranked[0]?.total ?? 0),
    nextCursor: ranked.length > limit ? offsetCursor(limit) : null,
  });
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://baseline');
  if (url.pathname === '/health') return send(res, 200, '{"status":"ok"}');
  if (req.method !== 'GET' || url.pathname !== '/search/items') {
    return send(res, 404, '{"status":404}');
  }
  const viewerId = viewerOf(req);
  if (viewerId === null) return send(res, 401, '{"status":401}');
  const q = url.searchParams.get('q') ?? '';
  const words = searchWords(q);
  const limit = Number(url.searchParams.get('limit') ?? DEFAULT_LIMIT);
  // No words means "list by recency" in Keel, which this baseline does not do.
  if (
    q.length > 256 ||
    words.length === 0 ||
    !Number.isInteger(limit) ||
    limit < 1 ||
    limit > MAX_LIMIT
  ) {
    return send(res, 400, '{"status":400}');
  }
  send(res, 200, await search(viewerId, words, limit));
}

listen(handle, () => pool.end());
