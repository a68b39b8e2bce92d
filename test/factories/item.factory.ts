import { randomBytes } from 'node:crypto';

export type ItemStatus = 'draft' | 'published' | 'archived';

/** The body of POST /items. */
export interface ItemInput {
  title: string;
  body?: string;
  tags?: string[];
  status?: ItemStatus;
}

let sequence = 0;

/** A valid item body with a unique title and a unique tag (so tag filters find only this item). */
export function buildItemInput(overrides: Partial<ItemInput> = {}): ItemInput {
  sequence += 1;
  const tag = `${sequence}-${randomBytes(3).toString('hex')}`;
  return {
    title: `Item ${tag}`,
    body: `Body of item ${tag}`,
    tags: [`t-${tag}`],
    status: 'published',
    ...overrides,
  };
}
