import { InvalidCursor } from '../errors/app-error';

export type CursorValue = string | number;

/** Opaque keyset cursor: the sort key values of the last row of a page. */
export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor(raw: string, arity: number): CursorValue[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== arity ||
    !parsed.every((v) => typeof v === 'string' || typeof v === 'number')
  ) {
    throw new InvalidCursor();
  }
  return parsed as CursorValue[];
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
