import { SignedIn } from '../helpers/auth';
import { idsOf, ItemBody } from '../helpers/items';
import { itemsApi } from '../helpers/items-api';
import { ItemPage, sortedIds } from '../helpers/list-items';
import { startApp, TestApp } from '../helpers/test-app';

describe('items', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  const { newUser, create, list } = itemsApi(() => t);

  describe('keyset pagination while items are inserted between pages', () => {
    // About 50 writes and a dozen pages each: more than Jest's default 30 s when the machine is
    // busy (seen on 2 shared cores), far less on its own.
    jest.setTimeout(90_000);

    /**
     * Pages through the owner's items with limit=7, inserting 3 items before each next page, and
     * returns the ids in the order the pages gave them.
     */
    async function pageWhileInserting(
      owner: SignedIn,
      query: Record<string, string>,
      titleOf: (n: number) => string,
    ): Promise<ItemBody[]> {
      const seen: ItemBody[] = [];
      let cursor: string | null = null;
      let inserted = 0;
      for (let page = 0; page < 100; page += 1) {
        const res = await list(owner, {
          ownerId: owner.id,
          limit: 7,
          ...query,
          ...(cursor ? { cursor } : {}),
        }).expect(200);
        const body = res.body as ItemPage;
        expect(body.data.length).toBeLessThanOrEqual(7);
        seen.push(...body.data);
        cursor = body.nextCursor;
        if (!cursor) return seen;
        for (let i = 0; i < 3; i += 1) {
          inserted += 1;
          await create(owner, { title: titleOf(inserted), status: 'published' });
        }
      }
      throw new Error('pagination did not end');
    }

    function expectEachOriginalOnce(seen: ItemBody[], originals: ItemBody[]): void {
      const ids = idsOf(seen);
      expect(new Set(ids).size).toBe(ids.length);
      for (const item of originals) {
        expect(ids.filter((id) => id === item.id)).toHaveLength(1);
      }
    }

    it('returns each item exactly once, sorted by createdAt descending (the default)', async () => {
      const owner = await newUser();
      const originals: ItemBody[] = [];
      for (let i = 0; i < 25; i += 1) {
        originals.push(await create(owner, { title: `orig-${i}`, status: 'published' }));
      }
      const seen = await pageWhileInserting(owner, {}, (n) => `new-${n}`);
      expectEachOriginalOnce(seen, originals);
      // Items created after paging began come before the first page in this order.
      expect(idsOf(seen).sort()).toEqual(idsOf(originals).sort());
      expect(idsOf(seen)).toEqual(sortedIds(originals, 'createdAt', 'desc'));
    });

    it('returns each item exactly once, sorted by title ascending, with ties on title', async () => {
      const owner = await newUser();
      const originals: ItemBody[] = [];
      // Five titles, five items each: page boundaries fall inside runs of equal titles.
      for (let i = 0; i < 25; i += 1) {
        originals.push(await create(owner, { title: `title-${i % 5}`, status: 'published' }));
      }
      // New titles land before, between and after the originals' titles.
      const titles = ['title-0', 'title-2', 'title-4', 'title-0a', 'title-3z', 'title-9', 'a', 'z'];
      const seen = await pageWhileInserting(
        owner,
        { sort: 'title', order: 'asc' },
        (n) => titles[n % titles.length] ?? 'title-x',
      );
      expectEachOriginalOnce(seen, originals);
      const titlesSeen = seen.map((i) => i.title);
      expect(titlesSeen).toEqual([...titlesSeen].sort());
      const originalIds = new Set(idsOf(originals));
      expect(idsOf(seen.filter((i) => originalIds.has(i.id)))).toEqual(
        sortedIds(originals, 'title', 'asc'),
      );
    });
  });
});
