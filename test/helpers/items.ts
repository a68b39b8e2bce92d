import type TestAgent from 'supertest/lib/agent';
import { buildItemInput, ItemInput, ItemStatus } from '../factories/item.factory';

/** An item as the API returns it. */
export interface ItemBody {
  id: string;
  ownerId: string;
  title: string;
  body: string;
  tags: string[];
  status: ItemStatus;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Creates an item (published unless overridden) as the user whose `Authorization` value is given. */
export async function createItem(
  http: () => TestAgent,
  bearer: string,
  overrides: Partial<ItemInput> = {},
): Promise<ItemBody> {
  const res = await http()
    .post('/items')
    .set('Authorization', bearer)
    .send(buildItemInput(overrides))
    .expect(201);
  return res.body as ItemBody;
}

/** A well-formed UUID no item has. */
export const MISSING_ID = '00000000-0000-4000-8000-000000000000';

/** The strong ETag the API sends for this version of the item. */
export const etagOf = (item: Pick<ItemBody, 'id' | 'version'>): string =>
  `"${item.id}.v${item.version}"`;

export const idsOf = (items: ItemBody[]): string[] => items.map((i) => i.id);
