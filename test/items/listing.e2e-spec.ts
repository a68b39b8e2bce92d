import { buildItemInput } from '../factories/item.factory';
import { signInAdmin, SignedIn } from '../helpers/auth';
import { expectProblem } from '../helpers/expect-problem';
import { idsOf, ItemBody } from '../helpers/items';
import { itemsApi } from '../helpers/items-api';
import { ItemPage, sortedIds } from '../helpers/list-items';
import { fieldsOf } from '../helpers/problem-shape';
import { startApp, TestApp } from '../helpers/test-app';

describe('items', () => {
  let t: TestApp;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await startApp();
    admin = await signInAdmin(t.http);
  });
  afterAll(() => t.close());

  const { newUser, create, patch, list, listAll } = itemsApi(() => t);

  describe('GET /items', () => {
    /** An owner with a draft, an archived and a published item sharing one tag. */
    async function ownerWithThreeItems() {
      const owner = await newUser();
      const tag = (buildItemInput().tags ?? [])[0] ?? 'tag';
      const draft = await create(owner, { status: 'draft', tags: [tag] });
      const archived = await create(owner, { status: 'archived', tags: [tag] });
      const published = await create(owner, { status: 'published', tags: [tag] });
      return { owner, tag, draft, archived, published };
    }

    it('never shows a stranger another user’s drafts or archived items, by any filter', async () => {
      const { owner, tag, draft, archived, published } = await ownerWithThreeItems();
      const stranger = await newUser();
      const queries: Array<Record<string, string>> = [
        {},
        { ownerId: owner.id },
        { status: 'draft' },
        { status: 'archived' },
        { tag },
        { ownerId: owner.id, status: 'draft' },
        { ownerId: owner.id, status: 'archived', tag },
        { sort: 'title', order: 'asc' },
        { sort: 'updatedAt' },
      ];
      for (const query of queries) {
        const ids = idsOf(await listAll(stranger, query));
        expect(ids).not.toContain(draft.id);
        expect(ids).not.toContain(archived.id);
      }
      expect(idsOf(await listAll(stranger, { ownerId: owner.id }))).toEqual([published.id]);
      expect(idsOf(await listAll(stranger, { tag }))).toEqual([published.id]);
      expect(idsOf(await listAll(stranger))).toContain(published.id);
      expect(await listAll(stranger, { ownerId: owner.id, status: 'draft' })).toEqual([]);
    });

    it('shows the owner their own drafts and archived items', async () => {
      const { owner, tag, draft, archived, published } = await ownerWithThreeItems();
      const mine = await listAll(owner, { ownerId: owner.id });
      expect(idsOf(mine).sort()).toEqual([draft.id, archived.id, published.id].sort());
      expect(mine.find((i) => i.id === draft.id)).toEqual(draft);
      expect(idsOf(await listAll(owner, { tag })).sort()).toEqual(idsOf(mine).sort());
      const all = idsOf(await listAll(owner));
      expect(all).toEqual(expect.arrayContaining([draft.id, archived.id, published.id]));
    });

    it('shows an admin everything', async () => {
      const { owner, tag, draft, archived, published } = await ownerWithThreeItems();
      const expected = [draft.id, archived.id, published.id].sort();
      expect(idsOf(await listAll(admin, { ownerId: owner.id })).sort()).toEqual(expected);
      expect(idsOf(await listAll(admin, { tag })).sort()).toEqual(expected);
      expect(idsOf(await listAll(admin, { status: 'draft' }))).toContain(draft.id);
      expect(idsOf(await listAll(admin))).toEqual(expect.arrayContaining(expected));
    });

    it('filters by ownerId, status and tag (tag compared lower-case)', async () => {
      const { owner, tag, draft, archived, published } = await ownerWithThreeItems();
      const other = await newUser();
      const othersPublished = await create(other, { status: 'published', tags: [tag] });
      const untagged = await create(owner, { status: 'published', tags: ['something-else'] });

      expect(idsOf(await listAll(owner, { ownerId: owner.id, status: 'draft' }))).toEqual([
        draft.id,
      ]);
      expect(idsOf(await listAll(owner, { ownerId: owner.id, status: 'archived' }))).toEqual([
        archived.id,
      ]);
      expect(
        idsOf(await listAll(owner, { ownerId: owner.id, status: 'published' })).sort(),
      ).toEqual([published.id, untagged.id].sort());
      expect(idsOf(await listAll(owner, { tag })).sort()).toEqual(
        [draft.id, archived.id, published.id, othersPublished.id].sort(),
      );
      expect(idsOf(await listAll(owner, { tag: ` ${tag.toUpperCase()} ` })).sort()).toEqual(
        [draft.id, archived.id, published.id, othersPublished.id].sort(),
      );
      expect(idsOf(await listAll(owner, { tag, ownerId: other.id }))).toEqual([othersPublished.id]);
      expect(idsOf(await listAll(owner, { tag, status: 'published' })).sort()).toEqual(
        [published.id, othersPublished.id].sort(),
      );
      const byStatus = await listAll(owner, { status: 'archived' });
      expect(byStatus.every((i) => i.status === 'archived')).toBe(true);
      expect(idsOf(byStatus)).toContain(archived.id);
    });

    it('sorts by createdAt, updatedAt and title, ascending and descending', async () => {
      const owner = await newUser();
      const b = await create(owner, { title: 'sort-b' });
      const c = await create(owner, { title: 'sort-c', status: 'draft' });
      const a = await create(owner, { title: 'sort-a' });
      const d = await create(owner, { title: 'sort-d' });
      // b is changed last: updatedAt order differs from createdAt order.
      const b2 = (await patch(owner, b.id, { body: 'touched' }).expect(200)).body as ItemBody;
      const items = [b2, c, a, d];

      const ids = async (query: Record<string, string>) =>
        idsOf(await listAll(owner, { ownerId: owner.id, ...query }));

      expect(await ids({ sort: 'title', order: 'asc' })).toEqual([a.id, b.id, c.id, d.id]);
      expect(await ids({ sort: 'title', order: 'desc' })).toEqual([d.id, c.id, b.id, a.id]);
      expect(await ids({ sort: 'title' })).toEqual([d.id, c.id, b.id, a.id]);
      for (const order of ['asc', 'desc']) {
        expect(await ids({ sort: 'createdAt', order })).toEqual(
          sortedIds(items, 'createdAt', order),
        );
        expect(await ids({ sort: 'updatedAt', order })).toEqual(
          sortedIds(items, 'updatedAt', order),
        );
      }
      // Defaults: createdAt, descending.
      expect(await ids({})).toEqual(sortedIds(items, 'createdAt', 'desc'));
      expect((await ids({ sort: 'updatedAt', order: 'desc' }))[0]).toBe(b.id);
      expect((await ids({ sort: 'createdAt', order: 'desc' }))[3]).toBe(b.id);
    });

    it('returns 20 items by default, up to 100 on request, with a cursor for the rest', async () => {
      const owner = await newUser();
      const created: ItemBody[] = [];
      for (let i = 0; i < 21; i += 1) created.push(await create(owner, { status: 'draft' }));

      const first = (await list(owner, { ownerId: owner.id }).expect(200)).body as ItemPage;
      expect(first.data).toHaveLength(20);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = (
        await list(owner, { ownerId: owner.id, cursor: first.nextCursor ?? '' }).expect(200)
      ).body as ItemPage;
      expect(second.data).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
      expect([...idsOf(first.data), ...idsOf(second.data)].sort()).toEqual(idsOf(created).sort());

      const hundred = (await list(owner, { ownerId: owner.id, limit: 100 }).expect(200))
        .body as ItemPage;
      expect(hundred.data).toHaveLength(21);
      expect(hundred.nextCursor).toBeNull();
      const three = (await list(owner, { ownerId: owner.id, limit: 3 }).expect(200))
        .body as ItemPage;
      expect(three.data).toHaveLength(3);
    });

    it.each<[string, Record<string, string | number>, string]>([
      ['limit=101', { limit: 101 }, 'limit'],
      ['limit=0', { limit: 0 }, 'limit'],
      ['limit=-1', { limit: -1 }, 'limit'],
      ['limit=abc', { limit: 'abc' }, 'limit'],
      ['an unknown sort', { sort: 'body' }, 'sort'],
      ['an unknown order', { order: 'up' }, 'order'],
      ['an unknown status', { status: 'deleted' }, 'status'],
      ['an ownerId that is not a UUID', { ownerId: 'me' }, 'ownerId'],
      ['an unknown parameter', { owner: 'x' }, 'owner'],
    ])('refuses %s with 400', async (_label, query, field) => {
      const user = await newUser();
      const problem = expectProblem(await list(user, query), 400, 'validation_failed');
      expect(fieldsOf(problem)).toContain(field);
    });

    it('refuses a cursor it did not issue with 400 invalid_cursor', async () => {
      const user = await newUser();
      const forged = Buffer.from(JSON.stringify(['createdAt', 'desc', 'x', "' OR 1=1"])).toString(
        'base64url',
      );
      for (const cursor of ['not-a-cursor!!', 'e30', forged]) {
        expectProblem(await list(user, { cursor }), 400, 'invalid_cursor');
      }
    });

    it('refuses a cursor reused with another sort or order with 400 invalid_cursor', async () => {
      const owner = await newUser();
      for (let i = 0; i < 3; i += 1) await create(owner, { title: `cursor-${i}` });
      const byCreated = (await list(owner, { ownerId: owner.id, limit: 1 }).expect(200))
        .body as ItemPage;
      const byTitle = (
        await list(owner, { ownerId: owner.id, limit: 1, sort: 'title', order: 'asc' }).expect(200)
      ).body as ItemPage;
      const createdCursor = byCreated.nextCursor ?? '';
      const titleCursor = byTitle.nextCursor ?? '';
      expect(createdCursor).not.toBe('');
      expect(titleCursor).not.toBe('');

      const misuses: Array<Record<string, string>> = [
        { cursor: createdCursor, sort: 'title' },
        { cursor: createdCursor, sort: 'updatedAt' },
        { cursor: createdCursor, order: 'asc' },
        { cursor: titleCursor, sort: 'title', order: 'desc' },
        { cursor: titleCursor },
      ];
      for (const query of misuses) {
        expectProblem(await list(owner, { ownerId: owner.id, ...query }), 400, 'invalid_cursor');
      }
      // Used as issued, both work.
      await list(owner, { ownerId: owner.id, limit: 1, cursor: createdCursor }).expect(200);
      await list(owner, {
        ownerId: owner.id,
        limit: 1,
        sort: 'title',
        order: 'asc',
        cursor: titleCursor,
      }).expect(200);
    });

    it('requires a token', async () => {
      expectProblem(await t.http().get('/items'), 401, 'token_invalid');
    });
  });
});
