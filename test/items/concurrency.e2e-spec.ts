import { expectProblem } from '../helpers/expect-problem';
import { etagOf, idsOf, ItemBody } from '../helpers/items';
import { itemsApi } from '../helpers/items-api';
import { startApp, TestApp } from '../helpers/test-app';

describe('items', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  const { newUser, create, patch, listAll, current } = itemsApi(() => t);

  describe('PATCH /items/:id', () => {
    it('lets exactly one of two concurrent PATCHes with the same If-Match succeed', async () => {
      const owner = await newUser();
      for (let round = 0; round < 5; round += 1) {
        const item = await create(owner);
        const [a, b] = await Promise.all([
          patch(owner, item.id, { title: `A${round}` }).set('If-Match', etagOf(item)),
          patch(owner, item.id, { title: `B${round}` }).set('If-Match', etagOf(item)),
        ]);
        expect([a.status, b.status].sort()).toEqual([200, 412]);
        const winner = (a.status === 200 ? a : b).body as ItemBody;
        expectProblem(a.status === 200 ? b : a, 412, 'precondition_failed');
        expect(winner.version).toBe(2);
        expect(await current(owner, item.id)).toEqual(winner);
      }
    });

    it('lets exactly one of five concurrent PATCHes with the same If-Match succeed', async () => {
      const owner = await newUser();
      for (let round = 0; round < 5; round += 1) {
        const item = await create(owner);
        const results = await Promise.all(
          ['A', 'B', 'C', 'D', 'E'].map((name) =>
            patch(owner, item.id, {
              title: `${name}${round}`,
              tags: [`${item.tags[0] ?? ''}-${name.toLowerCase()}`],
            }).set('If-Match', etagOf(item)),
          ),
        );
        const statuses = results.map((r) => r.status).sort();
        expect(statuses).toEqual([200, 412, 412, 412, 412]);
        const winner = results.find((r) => r.status === 200)?.body as ItemBody;
        expect(winner.version).toBe(2);
        expect(await current(owner, item.id)).toEqual(winner);
        expect(idsOf(await listAll(owner, { tag: winner.tags[0] ?? '' }))).toEqual([item.id]);
      }
    });
  });
});
