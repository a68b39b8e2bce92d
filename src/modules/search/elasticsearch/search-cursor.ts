import { InvalidCursor } from '../../../common/errors/app-error';

/**
 * Which sort a cursor was issued for: `recent` sorts by [createdAt desc, id desc] (empty q),
 * `relevance` by [_score desc, id asc]. A cursor from one sort is meaningless in the other.
 */
export type SearchSortMode = 'recent' | 'relevance';

/** The `search_after` values of the last hit on a page: [createdAt millis or _score, id]. */
export type SearchAfter = [number, string];

interface CursorPayload {
  m: SearchSortMode;
  a: SearchAfter;
}

const MAX_CURSOR_LENGTH = 512;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** An opaque cursor: base64url of the sort mode and the last hit's sort values. */
export function encodeSearchCursor(mode: SearchSortMode, after: SearchAfter): string {
  const payload: CursorPayload = { m: mode, a: after };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** The `search_after` values of a cursor this API issued for `mode`; anything else is InvalidCursor. */
export function decodeSearchCursor(cursor: string, mode: SearchSortMode): SearchAfter {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) {
    throw new InvalidCursor();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor();
  }
  if (!isCursorPayload(parsed) || parsed.m !== mode) throw new InvalidCursor();
  return parsed.a;
}

function isCursorPayload(value: unknown): value is CursorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const { m, a } = value as { m?: unknown; a?: unknown };
  return (
    (m === 'recent' || m === 'relevance') &&
    Array.isArray(a) &&
    a.length === 2 &&
    typeof a[0] === 'number' &&
    Number.isFinite(a[0]) &&
    typeof a[1] === 'string' &&
    a[1].length > 0 &&
    a[1].length <= 64
  );
}
