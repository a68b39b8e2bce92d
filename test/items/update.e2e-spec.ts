import { buildItemInput } from '../factories/item.factory';
import { signInAdmin, SignedIn } from '../helpers/auth';
import { expectProblem } from '../helpers/expect-problem';
import { etagOf, idsOf, ItemBody, MISSING_ID } from '../helpers/items';
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

  const { newUser, create, patch, listAll, current } = itemsApi(() => t);

  describe('PATCH /items/:id', () => {
    it('lets the owner change title, status and tags: version + 1 and a new ETag', async () => {
      const owner = await newUser();
      const item = await create(owner, { status: 'draft', tags: ['old'] });
      const res = await patch(owner, item.id, {
        title: '  New title ',
        status: 'published',
        tags: ['Fresh', 'fresh', 'Other'],
      }).expect(200);
      const updated = res.body as ItemBody;
      expect(updated).toMatchObject({
        id: item.id,
        ownerId: owner.id,
        title: 'New title',
        body: item.body,
        status: 'published',
        tags: ['fresh', 'other'],
        version: 2,
        createdAt: item.createdAt,
      });
      expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(item.updatedAt));
      expect(res.headers.etag).toBe(`"${item.id}.v2"`);
      expect(await current(owner, item.id)).toEqual(updated);

      const again = (await patch(owner, item.id, { body: 'new body' }).expect(200))
        .body as ItemBody;
      expect(again).toMatchObject({ title: 'New title', body: 'new body', version: 3 });
    });

    it('answers a stranger 404 for another user’s draft, and changes nothing', async () => {
      const owner = await newUser();
      const stranger = await newUser();
      const draft = await create(owner, { status: 'draft' });
      const missing = expectProblem(
        await patch(stranger, MISSING_ID, { title: 'x' }),
        404,
        'not_found',
      );
      const res = await patch(stranger, draft.id, { title: 'Hijacked', status: 'published' });
      expect(shapeOf(expectProblem(res, 404, 'not_found'))).toEqual(shapeOf(missing));
      expect(await current(owner, draft.id)).toEqual(draft);
    });

    it('answers a stranger 403 for another user’s published item, and changes nothing', async () => {
      const owner = await newUser();
      const stranger = await newUser();
      const published = await create(owner, { status: 'published' });
      expectProblem(
        await patch(stranger, published.id, { title: 'Hijacked', status: 'draft' }),
        403,
        'forbidden',
      );
      expectProblem(
        await patch(stranger, published.id, { title: 'x' }).set('If-Match', etagOf(published)),
        403,
        'forbidden',
      );
      expect(await current(owner, published.id)).toEqual(published);
    });

    it('lets an admin change anyone’s item, which stays the owner’s', async () => {
      const owner = await newUser();
      const draft = await create(owner, { status: 'draft' });
      const res = await patch(admin, draft.id, { title: 'Moderated', status: 'archived' }).expect(
        200,
      );
      expect(res.body).toMatchObject({
        ownerId: owner.id,
        title: 'Moderated',
        status: 'archived',
        version: 2,
      });
      expect(await current(owner, draft.id)).toMatchObject({ title: 'Moderated', version: 2 });
    });

    it('applies a change whose If-Match is the current ETag', async () => {
      const owner = await newUser();
      const item = await create(owner);
      const res = await patch(owner, item.id, { title: 'Checked' })
        .set('If-Match', etagOf(item))
        .expect(200);
      expect(res.body).toMatchObject({ title: 'Checked', version: 2 });
      expect(res.headers.etag).toBe(`"${item.id}.v2"`);
    });

    it('answers 412 to a stale If-Match and changes nothing', async () => {
      const owner = await newUser();
      const item = await create(owner);
      const stale = etagOf(item);
      const v2 = (await patch(owner, item.id, { title: 'Second' }).expect(200)).body as ItemBody;
      expectProblem(
        await patch(owner, item.id, { title: 'Lost update' }).set('If-Match', stale),
        412,
        'precondition_failed',
      );
      expect(await current(owner, item.id)).toEqual(v2);
    });

    it('answers 412 to a weak If-Match, even of the current version, and changes nothing', async () => {
      const owner = await newUser();
      const item = await create(owner);
      expectProblem(
        await patch(owner, item.id, { title: 'Weak' }).set('If-Match', `W/${etagOf(item)}`),
        412,
        'precondition_failed',
      );
      expect(await current(owner, item.id)).toEqual(item);
    });

    it('refuses an empty change with 400 and changes nothing', async () => {
      const owner = await newUser();
      const item = await create(owner);
      expectProblem(await patch(owner, item.id, {}), 400, 'validation_failed');
      expect(await current(owner, item.id)).toEqual(item);
    });

    it.each<[string, object, string]>([
      ['an ownerId', { ownerId: MISSING_ID }, 'ownerId'],
      ['a version', { version: 99 }, 'version'],
      ['an empty title', { title: '  ' }, 'title'],
      ['an unknown status', { status: 'deleted' }, 'status'],
      ['a 41-character tag', { tags: ['a'.repeat(41)] }, 'tags'],
    ])('refuses %s with 400 and changes nothing', async (_label, body, field) => {
      const owner = await newUser();
      const item = await create(owner);
      const problem = expectProblem(await patch(owner, item.id, body), 400, 'validation_failed');
      expect(fieldsOf(problem)).toContain(field);
      expect(await current(owner, item.id)).toEqual(item);
    });

    it('replaces the tags the tag filter finds the item by', async () => {
      const owner = await newUser();
      const reader = await newUser();
      const base = (buildItemInput().tags ?? [])[0] ?? 'tag';
      const tags = { old: `${base}-old`, new: `${base}-new`, kept: `${base}-kept` };
      const item = await create(owner, { tags: [tags.old, tags.kept] });
      expect(idsOf(await listAll(reader, { tag: tags.old }))).toEqual([item.id]);

      await patch(owner, item.id, { tags: [tags.kept, tags.new.toUpperCase()] }).expect(200);
      expect(await listAll(reader, { tag: tags.old })).toEqual([]);
      expect(idsOf(await listAll(reader, { tag: tags.new }))).toEqual([item.id]);
      expect(idsOf(await listAll(reader, { tag: tags.kept }))).toEqual([item.id]);

      await patch(owner, item.id, { tags: [] }).expect(200);
      expect(await listAll(reader, { tag: tags.new })).toEqual([]);
      expect(await listAll(reader, { tag: tags.kept })).toEqual([]);
    });

    it('answers 400 for a non-UUID id and 401 without a token', async () => {
      const owner = await newUser();
      expectProblem(await patch(owner, 'nope', { title: 'x' }), 400, 'validation_failed');
      const item = await create(owner);
      expect((await t.http().patch(`/items/${item.id}`).send({ title: 'x' })).status).toBe(401);
      expect(await current(owner, item.id)).toEqual(item);
    });
  });
});
