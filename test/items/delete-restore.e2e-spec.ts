import { signInAdmin, SignedIn } from '../helpers/auth';
import { expectProblem } from '../helpers/expect-problem';
import { etagOf, idsOf, ItemBody, MISSING_ID } from '../helpers/items';
import { itemsApi } from '../helpers/items-api';
import { shapeOf } from '../helpers/problem-shape';
import { startApp, TestApp } from '../helpers/test-app';

describe('items', () => {
  let t: TestApp;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await startApp();
    admin = await signInAdmin(t.http);
  });
  afterAll(() => t.close());

  const { newUser, create, get, patch, del, restore, listAll, current } = itemsApi(() => t);

  describe('DELETE /items/:id and POST /items/:id/restore', () => {
    it('soft-deletes: 204, then 404 to the owner, and gone from lists and filters', async () => {
      const owner = await newUser();
      const reader = await newUser();
      const item = await create(owner, { status: 'published' });
      const other = await create(owner, { status: 'published' });
      const tag = item.tags[0] ?? '';
      await get(owner, item.id).expect(200);

      const res = await del(owner, item.id).expect(204);
      expect(res.text ?? '').toBe('');
      expectProblem(await get(owner, item.id), 404, 'not_found');
      expectProblem(await get(reader, item.id), 404, 'not_found');
      expectProblem(await get(admin, item.id), 404, 'not_found');
      expect(idsOf(await listAll(owner, { ownerId: owner.id }))).toEqual([other.id]);
      expect(await listAll(reader, { tag })).toEqual([]);
      expect(await listAll(admin, { tag })).toEqual([]);
      expect(idsOf(await listAll(reader))).not.toContain(item.id);
      expectProblem(await patch(owner, item.id, { title: 'x' }), 404, 'not_found');
      expectProblem(await del(owner, item.id), 404, 'not_found');
    });

    it('answers a stranger 404 on another user’s draft and 403 on a published item; nothing is deleted', async () => {
      const owner = await newUser();
      const stranger = await newUser();
      const draft = await create(owner, { status: 'draft' });
      const published = await create(owner, { status: 'published' });
      const missing = expectProblem(await del(stranger, MISSING_ID), 404, 'not_found');
      expect(shapeOf(expectProblem(await del(stranger, draft.id), 404, 'not_found'))).toEqual(
        shapeOf(missing),
      );
      expectProblem(await del(stranger, published.id), 403, 'forbidden');
      expect(await current(owner, draft.id)).toEqual(draft);
      expect(await current(owner, published.id)).toEqual(published);
    });

    it('answers 412 to a stale If-Match and deletes nothing; the current ETag deletes', async () => {
      const owner = await newUser();
      const item = await create(owner);
      const stale = etagOf(item);
      const v2 = (await patch(owner, item.id, { title: 'v2' }).expect(200)).body as ItemBody;
      expectProblem(await del(owner, item.id).set('If-Match', stale), 412, 'precondition_failed');
      expect(await current(owner, item.id)).toEqual(v2);
      await del(owner, item.id).set('If-Match', etagOf(v2)).expect(204);
      expectProblem(await get(owner, item.id), 404, 'not_found');
    });

    it('restores for the owner: 200, version bumped, readable and listed again', async () => {
      const owner = await newUser();
      const reader = await newUser();
      const item = await create(owner, { status: 'published' });
      const tag = item.tags[0] ?? '';
      await del(owner, item.id).expect(204);

      const res = await restore(owner, item.id).expect(200);
      const restored = res.body as ItemBody;
      expect(restored).toMatchObject({
        id: item.id,
        ownerId: owner.id,
        title: item.title,
        body: item.body,
        tags: item.tags,
        status: 'published',
        version: 3,
        createdAt: item.createdAt,
      });
      expect(res.headers.etag).toBe(`"${item.id}.v3"`);
      expect(await current(owner, item.id)).toEqual(restored);
      expect((await get(reader, item.id).expect(200)).body).toEqual(restored);
      expect(idsOf(await listAll(reader, { tag }))).toEqual([item.id]);
      await patch(owner, item.id, { title: 'alive' }).set('If-Match', etagOf(restored)).expect(200);
    });

    it('answers 409 when restoring an item that is not deleted', async () => {
      const owner = await newUser();
      const item = await create(owner);
      expectProblem(await restore(owner, item.id), 409, 'item_not_deleted');
      expect(await current(owner, item.id)).toEqual(item);
    });

    it('answers a stranger 404 on restore, and the item stays deleted', async () => {
      const owner = await newUser();
      const stranger = await newUser();
      const draft = await create(owner, { status: 'draft' });
      const published = await create(owner, { status: 'published' });
      await del(owner, draft.id).expect(204);
      await del(owner, published.id).expect(204);
      const missing = expectProblem(await restore(stranger, MISSING_ID), 404, 'not_found');
      for (const item of [draft, published]) {
        const problem = expectProblem(await restore(stranger, item.id), 404, 'not_found');
        expect(shapeOf(problem)).toEqual(shapeOf(missing));
        expectProblem(await get(owner, item.id), 404, 'not_found');
      }
      // A live item the stranger can read is not theirs to restore either.
      const live = await create(owner, { status: 'published' });
      expectProblem(await restore(stranger, live.id), 404, 'not_found');
    });

    it('lets an admin delete and restore anyone’s item', async () => {
      const owner = await newUser();
      const draft = await create(owner, { status: 'draft' });
      await del(admin, draft.id).expect(204);
      expectProblem(await get(owner, draft.id), 404, 'not_found');
      const restored = (await restore(admin, draft.id).expect(200)).body as ItemBody;
      expect(restored).toMatchObject({ ownerId: owner.id, status: 'draft', version: 3 });
      expect(await current(owner, draft.id)).toEqual(restored);
    });

    it('answers 400 for a non-UUID id and 401 without a token', async () => {
      const owner = await newUser();
      const item = await create(owner);
      expectProblem(await del(owner, 'nope'), 400, 'validation_failed');
      expectProblem(await restore(owner, 'nope'), 400, 'validation_failed');
      expect((await t.http().delete(`/items/${item.id}`)).status).toBe(401);
      expect((await t.http().post(`/items/${item.id}/restore`)).status).toBe(401);
      expect(await current(owner, item.id)).toEqual(item);
    });
  });
});
