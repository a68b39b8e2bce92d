import { InvalidCursor } from '../errors/app-error';

export type CursorValue = string | number;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks one position of a cursor; a cursor is only accepted when every position passes. */
export const cursorField = {
  instant: (v: unknown): v is string =>
    typeof v === 'string' && ISO_INSTANT.test(v) && !Number.isNaN(Date.parse(v)),
  uuid: (v: unknown): v is string => typeof v === 'string' && UUID.test(v),
  text: (v: unknown): v is string => typeof v === 'string' && v.length <= 1000,
};

/** Opaque keyset cursor: the sort key values of the last row of a page. */
export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor this API issued. Anything else (bad encoding, wrong arity, a value of the wrong
 * kind) is a 400 invalid_cursor, never a query with garbage in it.
 */
export function decodeCursor(raw: string, fields: Array<(v: unknown) => boolean>): CursorValue[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== fields.length) throw new InvalidCursor();
  const values: unknown[] = parsed;
  if (!fields.every((check, i) => check(values[i]))) throw new InvalidCursor();
  return values as CursorValue[];
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
