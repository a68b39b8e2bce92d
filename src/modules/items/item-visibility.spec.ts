import Database from 'better-sqlite3';
import type { AuthUser } from '../../common/auth/role';
import { ITEM_STATUSES, type ItemStatus } from './item-status';
import {
  canChange,
  canRead,
  itemColumns,
  itemEventAudience,
  namedParameters,
  type SearchFilter,
  type Viewer,
  visibleItemsSearchFilter,
  visibleItemsSql,
} from './item-visibility';

const OWNER: AuthUser = { id: '00000000-0000-4000-8000-00000000000a', email: 'o@x', role: 'user' };
const VIEWERS: Record<'anonymous' | 'user' | 'owner' | 'admin', Viewer> = {
  anonymous: null,
  user: { id: '00000000-0000-4000-8000-00000000000b', email: 'u@x', role: 'user' },
  owner: OWNER,
  admin: { id: '00000000-0000-4000-8000-00000000000c', email: 'a@x', role: 'admin' },
};
type ViewerKind = keyof typeof VIEWERS;

/**
 * The one expected table: the statuses each viewer may read while the item is live (a deleted item
 * is readable by nobody), and those whose realtime events reach them (a deletion notice goes to the
 * audience of the item as it was, so being deleted does not change who is told).
 */
const EXPECTED: Record<ViewerKind, { reads: ItemStatus[]; notified: ItemStatus[] }> = {
  anonymous: { reads: [], notified: [] },
  user: { reads: ['published'], notified: ['published'] },
  owner: {
    reads: ['draft', 'published', 'archived'],
    notified: ['draft', 'published', 'archived'],
  },
  admin: {
    reads: ['draft', 'published', 'archived'],
    notified: ['draft', 'published', 'archived'],
  },
};

interface Row {
  id: string;
  ownerId: string;
  status: ItemStatus;
  deleted: boolean;
}

const ROWS: Row[] = ITEM_STATUSES.flatMap((status) =>
  [false, true].map((deleted) => ({
    id: `${status}${deleted ? '-deleted' : ''}`,
    ownerId: OWNER.id,
    status,
    deleted,
  })),
);

/** The rows in a real SQLite table, as the items table names its columns. */
function sqliteItems(): Database.Database {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE items (id TEXT PRIMARY KEY, owner_id TEXT, status TEXT, deleted_at TEXT)');
  const insert = db.prepare('INSERT INTO items VALUES (?, ?, ?, ?)');
  for (const row of ROWS) {
    insert.run(row.id, row.ownerId, row.status, row.deleted ? '2026-01-01 00:00:00.000' : null);
  }
  return db;
}

type Document = Record<string, string>;

/** Evaluates the subset of the Elasticsearch query DSL the rule may use; anything else throws. */
function matches(filter: SearchFilter, doc: Document): boolean {
  if ('term' in filter) {
    return Object.entries(filter.term).every(([field, value]) => doc[field] === value);
  }
  if ('match_all' in filter) return true;
  const { should, must_not: mustNot, minimum_should_match: minimum, ...rest } = filter.bool;
  if (Object.keys(rest).length > 0)
    throw new Error(`unsupported bool clause ${Object.keys(rest).join()}`);
  const shouldHits = (should ?? []).filter((f) => matches(f, doc)).length;
  const shouldOk = should === undefined || shouldHits >= (minimum ?? 1);
  return shouldOk && !(mustNot ?? []).some((f) => matches(f, doc));
}

/** Whether a realtime event with this audience reaches the viewer's sockets. */
function receives(viewer: Viewer, row: Row): boolean {
  const audience = itemEventAudience(row);
  if (viewer === null) return false; // the handshake admits no socket without a user
  return (
    audience.everyone ||
    audience.ownerId === viewer.id ||
    (audience.admins && viewer.role === 'admin')
  );
}

describe('item visibility: every form of the rule agrees with one table', () => {
  const db = sqliteItems();
  afterAll(() => db.close());

  const sqlVisible = (viewer: Viewer): Set<string> => {
    const { sql, params } = visibleItemsSql(viewer, itemColumns('i'));
    const rows = db.prepare(`SELECT i.id AS id FROM items i WHERE ${sql}`).all(...params);
    return new Set((rows as Array<{ id: string }>).map((r) => r.id));
  };
  const namedSqlVisible = (viewer: Viewer): Set<string> => {
    const named = namedParameters(visibleItemsSql(viewer, itemColumns('i')), 'v');
    // better-sqlite3 binds `:name` from an object, as TypeORM's query builder would.
    const rows = db.prepare(`SELECT i.id AS id FROM items i WHERE ${named.sql}`).all(named.params);
    return new Set((rows as Array<{ id: string }>).map((r) => r.id));
  };
  const searchVisible = (viewer: Viewer): Set<string> => {
    const filters = visibleItemsSearchFilter(viewer);
    // The indexer removes the document of a deleted item: only live items are in the index.
    const documents = ROWS.filter((r) => !r.deleted);
    return new Set(
      documents
        .filter((r) => filters.every((f) => matches(f, { ownerId: r.ownerId, status: r.status })))
        .map((r) => r.id),
    );
  };

  const cases = (Object.keys(VIEWERS) as ViewerKind[]).flatMap((kind) =>
    ROWS.map((row) => ({ kind, row })),
  );

  it.each(cases)('$kind × $row.id', ({ kind, row }) => {
    const viewer = VIEWERS[kind];
    const readable = !row.deleted && EXPECTED[kind].reads.includes(row.status);
    const notified = EXPECTED[kind].notified.includes(row.status);
    expect({
      memory: !row.deleted && canRead(viewer, row),
      sql: sqlVisible(viewer).has(row.id),
      sqlNamed: namedSqlVisible(viewer).has(row.id),
      elasticsearch: searchVisible(viewer).has(row.id),
      realtime: receives(viewer, row),
    }).toEqual({
      memory: readable,
      sql: readable,
      sqlNamed: readable,
      elasticsearch: readable,
      realtime: notified,
    });
  });
});

describe('canChange', () => {
  it('lets only the owner and admins change an item, whatever its status', () => {
    for (const status of ITEM_STATUSES) {
      const item = { ownerId: OWNER.id, status };
      expect(
        (Object.keys(VIEWERS) as ViewerKind[]).filter((k) => canChange(VIEWERS[k], item)),
      ).toEqual(['owner', 'admin']);
    }
  });
});
