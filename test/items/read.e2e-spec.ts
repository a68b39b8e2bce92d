import { signInAdmin, SignedIn } from '../helpers/auth';
import { expectProblem } from '../helpers/expect-problem';
import { etagOf, ItemBody, MISSING_ID } from '../helpers/items';
import { itemsApi } from '../helpers/items-api';
import { fieldsOf, shapeOf } from '../helpers/problem-shape';
import { startApp, TestApp } from '../helpers/test-app';

describe('items', () => {
  let t: TestApp;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await startApp();
    admin = await signInAdmin(t.http);
  });
  afterAll(() => t.close());

  const { newUser, create, get, patch, del, current } = itemsApi(() => t);

  describe('GET /items/:id', () => {
    it('lets the owner read their own draft, with a strong ETag of id and version', async () => {
      const owner = await newUser();
      const draft = await create(owner, { status: 'draft' });
      const res = await get(owner, draft.id).expect(200);
      expect(res.body).toEqual(draft);
      expect(res.headers.etag).toBe(`"${draft.id}.v1"`);
      expect(res.headers.etag).not.toMatch(/^W\//);
    });

    it('answers a stranger 404 for a draft and an archived item, exactly as for a missing id', async () => {
      const owner = await newUser();
      const stranger = await newUser();
      const draft = await create(owner, { status: 'draft' });
      const archived = await create(owner, { status: 'archived' });
      const missing = expectProblem(await get(stranger, MISSING_ID), 404, 'not_found');
      for (const item of [draft, archived]) {
        const hidden = expectProblem(await get(stranger, item.id), 404, 'not_found');
        expect(shapeOf(hidden)).toEqual(shapeOf(missing));
        expect(JSON.stringify(hidden)).not.toContain(item.title);
      }
    });

    it('does not answer 304 to a stranger who guesses the ETag of a draft', async () => {
      const owner = await newUser();
      const stranger = await newUser();
      const draft = await create(owner, { status: 'draft' });
      const res = await get(stranger, draft.id).set('If-None-Match', etagOf(draft));
      expectProblem(res, 404, 'not_found');
      expect(res.headers.etag).toBeUndefined();
    });

    it('lets any signed-in user read a published item', async () => {
      const owner = await newUser();
      const reader = await newUser();
      const published = await create(owner, { status: 'published' });
      expect((await get(reader, published.id).expect(200)).body).toEqual(published);
    });

    it('lets an admin read anyone’s draft and archived item', async () => {
      const owner = await newUser();
      const draft = await create(owner, { status: 'draft' });
      const archived = await create(owner, { status: 'archived' });
      expect((await get(admin, draft.id).expect(200)).body).toEqual(draft);
      expect((await get(admin, archived.id).expect(200)).body).toEqual(archived);
    });

    it('answers 400 for an id that is not a UUID', async () => {
      const user = await newUser();
      const problem = expectProblem(await get(user, 'not-a-uuid'), 400, 'validation_failed');
      expect(fieldsOf(problem)).toEqual(['id']);
    });

    it('answers 401 without a token or with a bad one', async () => {
      const owner = await newUser();
      const item = await create(owner);
      expect((await t.http().get(`/items/${item.id}`)).status).toBe(401);
      expectProblem(await t.http().get(`/items/${item.id}`), 401, 'token_invalid');
      const bad = await t.http().get(`/items/${item.id}`).set('Authorization', 'Bearer nope');
      expect(bad.status).toBe(401);
      expect(bad.text).not.toContain(item.title);
    });

    it('answers 304 with an empty body to If-None-Match with the current ETag', async () => {
      const owner = await newUser();
      const item = await create(owner, { status: 'draft' });
      const res = await get(owner, item.id).set('If-None-Match', etagOf(item));
      expect(res.status).toBe(304);
      expect(res.text ?? '').toBe('');
      expect(res.headers.etag).toBe(etagOf(item));
    });

    it('answers 304 when the current ETag is one of several, or sent weak', async () => {
      const owner = await newUser();
      const item = await create(owner);
      const listHeader = `"${MISSING_ID}.v1", ${etagOf(item)}`;
      expect((await get(owner, item.id).set('If-None-Match', listHeader)).status).toBe(304);
      expect((await get(owner, item.id).set('If-None-Match', `W/${etagOf(item)}`)).status).toBe(
        304,
      );
    });

    it('answers 200 with the item to If-None-Match with a stale ETag', async () => {
      const owner = await newUser();
      const item = await create(owner);
      const stale = etagOf(item);
      const updated = (await patch(owner, item.id, { title: 'Changed' }).expect(200))
        .body as ItemBody;
      const res = await get(owner, item.id).set('If-None-Match', stale).expect(200);
      expect(res.body).toEqual(updated);
      expect(res.headers.etag).toBe(etagOf(updated));
      expect(res.headers.etag).not.toBe(stale);
    });
  });

  describe('reading your own writes through the cache', () => {
    it('returns the new version on a read right after each update', async () => {
      const owner = await newUser();
      const item = await create(owner, { status: 'draft' });
      for (let round = 1; round <= 6; round += 1) {
        // Warm the cache with the current version.
        const before = await current(owner, item.id);
        expect(before.version).toBe(round);
        expect(await current(owner, item.id)).toEqual(before);

        const res = await patch(owner, item.id, { title: `Title ${round}` }).expect(200);
        const after = await get(owner, item.id).expect(200);
        expect(after.body).toMatchObject({ title: `Title ${round}`, version: round + 1 });
        expect(after.body).toEqual(res.body);
        expect(after.headers.etag).toBe(`"${item.id}.v${round + 1}"`);
      }
    });

    it('hides an item from others as soon as it is unpublished', async () => {
      const owner = await newUser();
      const reader = await newUser();
      const item = await create(owner, { status: 'published' });
      await get(reader, item.id).expect(200);
      await patch(owner, item.id, { status: 'draft' }).expect(200);
      expectProblem(await get(reader, item.id), 404, 'not_found');
      await patch(owner, item.id, { status: 'published' }).expect(200);
      expect((await get(reader, item.id).expect(200)).body).toMatchObject({ version: 3 });
    });

    it('answers 404 on a read right after a delete, even with a warm cache', async () => {
      const owner = await newUser();
      const item = await create(owner);
      await get(owner, item.id).expect(200);
      await del(owner, item.id).expect(204);
      expectProblem(await get(owner, item.id), 404, 'not_found');
    });
  });
});
