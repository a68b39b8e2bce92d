import type TestAgent from 'supertest/lib/agent';
import type { ItemBody } from './items';

export interface ItemPage {
  data: ItemBody[];
  nextCursor: string | null;
}

/** Every item GET /items returns for this query, following nextCursor to the last page. */
export async function listAllItems(
  http: () => TestAgent,
  bearer: string,
  query: Record<string, string | number> = {},
): Promise<ItemBody[]> {
  const items: ItemBody[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page += 1) {
    const res = await http()
      .get('/items')
      .set('Authorization', bearer)
      .query({ limit: 100, ...query, ...(cursor ? { cursor } : {}) })
      .expect(200);
    const body = res.body as ItemPage;
    items.push(...body.data);
    cursor = body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error('GET /items did not reach its last page within 1000 pages');
}

/** Expected order of a list: by the sort value, ties broken by id, as the API documents. */
export function sortedIds(
  items: ItemBody[],
  sort: 'createdAt' | 'updatedAt' | 'title',
  order: string,
): string[] {
  const sign = order === 'asc' ? 1 : -1;
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...items]
    .sort((a, b) => sign * (cmp(a[sort], b[sort]) || cmp(a.id, b.id)))
    .map((i) => i.id);
}
