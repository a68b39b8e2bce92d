import { InvalidCursor } from '../../../common/errors/app-error';
import { decodeCursor, encodeCursor } from '../../../common/pagination/cursor';

/**
 * Relevance has no stable keyset on the database engines (scores are floats recomputed per query),
 * so the database driver pages by offset over a total order (score desc, id asc; or createdAt desc,
 * id desc for an empty q). The mode is part of the cursor: one from a search is refused by a list.
 */
export type OffsetMode = 'relevance' | 'recent';

/** Deep enough for any human paging; deeper offsets only cost the database. */
const MAX_OFFSET = 100_000;

const isMode = (v: unknown): boolean => v === 'relevance' || v === 'recent';
const isOffset = (v: unknown): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= MAX_OFFSET;

export function encodeOffsetCursor(mode: OffsetMode, offset: number): string | null {
  return offset > MAX_OFFSET ? null : encodeCursor([mode, offset]);
}

export function decodeOffsetCursor(raw: string | undefined, mode: OffsetMode): number {
  if (raw === undefined) return 0;
  const [cursorMode, offset] = decodeCursor(raw, [isMode, isOffset]);
  if (cursorMode !== mode) throw new InvalidCursor();
  return Number(offset);
}
