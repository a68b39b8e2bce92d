import type { AuthUser } from '../../common/auth/role';
import type { ItemStatus } from './item-status';

/**
 * Who asks. Every route and the socket handshake require a signed-in user today, so no read ever
 * runs without one; `null` (no signed-in user) is still answered, with "nothing", so a future
 * public entry point cannot widen visibility by forgetting a check.
 */
export type Viewer = AuthUser | null;

/** The fields of an item the rule reads. */
export interface VisibleItem {
  ownerId: string;
  status: ItemStatus;
}

/**
 * THE item visibility rule, in the one form every other form is derived from: what a viewer may
 * read among the items that are not deleted (deleted items are readable by nobody).
 * - `none`: nothing (no signed-in user);
 * - `all`: every item (admins);
 * - `published-or-own`: published items, plus the viewer's own in any status (everyone else).
 */
export type ReadScope =
  { kind: 'none' } | { kind: 'all' } | { kind: 'published-or-own'; ownerId: string };

export function readScope(viewer: Viewer): ReadScope {
  if (viewer === null) return { kind: 'none' };
  if (viewer.role === 'admin') return { kind: 'all' };
  return { kind: 'published-or-own', ownerId: viewer.id };
}

const PUBLISHED: ItemStatus = 'published';

/** In memory: may the viewer read this (not deleted) item? */
export function canRead(viewer: Viewer, item: VisibleItem): boolean {
  const scope = readScope(viewer);
  switch (scope.kind) {
    case 'none':
      return false;
    case 'all':
      return true;
    case 'published-or-own':
      return item.status === PUBLISHED || item.ownerId === scope.ownerId;
  }
}

/** Changing (update, delete, restore) is for the owner and admins, whatever the status. */
export function canChange(viewer: Viewer, item: Pick<VisibleItem, 'ownerId'>): boolean {
  return viewer !== null && (viewer.role === 'admin' || item.ownerId === viewer.id);
}

/** A SQL condition with `?` placeholders and their values, in order. */
export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/** Column expressions (with their table alias) of the items table, as the caller's SQL names it. */
export interface ItemColumns {
  ownerId: string;
  status: string;
  deletedAt: string;
}

/** The items table's columns under `alias`. */
export const itemColumns = (alias: string): ItemColumns => ({
  ownerId: `${alias}.owner_id`,
  status: `${alias}.status`,
  deletedAt: `${alias}.deleted_at`,
});

/**
 * In SQL: the rows of the items table the viewer may read. Raw SQL uses it as is (MySQL and
 * SQLite both take `?`); a TypeORM query builder through `namedParameters`.
 */
export function visibleItemsSql(viewer: Viewer, columns: ItemColumns): SqlCondition {
  const scope = readScope(viewer);
  const live = `${columns.deletedAt} IS NULL`;
  switch (scope.kind) {
    case 'none':
      return { sql: '1 = 0', params: [] };
    case 'all':
      return { sql: live, params: [] };
    case 'published-or-own':
      // One CASE term, not a bare `status = ? OR owner_id = ?`: given the OR, SQLite (which has no
      // statistics) and MariaDB (past some thousands of rows) read every published row through two
      // indexes and sort them all to return one page. A term no index can serve leaves them the
      // sort index, walked in order until the page is full (bench/README.md, items row e).
      return {
        sql: `${live} AND CASE WHEN ${columns.status} = ? OR ${columns.ownerId} = ? THEN 1 ELSE 0 END = 1`,
        params: [PUBLISHED, scope.ownerId],
      };
  }
}

/** A `?` condition rewritten with named parameters (`:prefix0`, `:prefix1` ...) for TypeORM. */
export function namedParameters(
  condition: SqlCondition,
  prefix: string,
): { sql: string; params: Record<string, unknown> } {
  let i = 0;
  const sql = condition.sql.replace(/\?/g, () => `:${prefix}${i++}`);
  const params = Object.fromEntries(condition.params.map((value, n) => [`${prefix}${n}`, value]));
  return { sql, params };
}

/** The subset of the Elasticsearch query DSL the rule needs (assignable to the client's types). */
export type SearchFilter =
  | { term: Record<string, string> }
  | { match_all: Record<string, never> }
  | { bool: { should?: SearchFilter[]; must_not?: SearchFilter[]; minimum_should_match?: number } };

/**
 * In Elasticsearch: filters (all must match) on search documents, whose fields are the item DTO's.
 * Deleted items have no document (the indexer removes it), so only status and owner are filtered.
 */
export function visibleItemsSearchFilter(viewer: Viewer): SearchFilter[] {
  const scope = readScope(viewer);
  switch (scope.kind) {
    case 'none':
      return [{ bool: { must_not: [{ match_all: {} }] } }];
    case 'all':
      return [];
    case 'published-or-own':
      return [
        {
          bool: {
            should: [{ term: { status: PUBLISHED } }, { term: { ownerId: scope.ownerId } }],
            minimum_should_match: 1,
          },
        },
      ];
  }
}

/**
 * Who may receive a realtime event about an item, given the item as the event carries it: its
 * owner and the admins always; every signed-in user when it is published. (Realtime maps this to
 * socket.io rooms; a deletion notice goes to the audience of the item as it was when deleted.)
 */
export interface ItemAudience {
  ownerId: string;
  admins: true;
  everyone: boolean;
}

export function itemEventAudience(item: VisibleItem): ItemAudience {
  return { ownerId: item.ownerId, admins: true, everyone: item.status === PUBLISHED };
}
