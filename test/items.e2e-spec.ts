import type { Response } from 'supertest';
import { buildItemInput, ItemInput } from './factories/item.factory';
import { signInAdmin, signUp, SignedIn } from './helpers/auth';
import { createItem, ItemBody } from './helpers/items';
import { ItemPage, listAllItems } from './helpers/list-items';
import { startApp, TestApp } from './helpers/test-app';
import type { Problem } from '../src/common/errors/problem';

const ITEM_KEYS = [
  'body',
  'createdAt',
  'id',
  'ownerId',
  'status',
  'tags',
  'title',
  'updatedAt',
  'version',
];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

const etagOf = (item: Pick<ItemBody, 'id' | 'version'>): string => `"${item.id}.v${item.version}"`;

function expectProblem(res: Response, status: number, code: string): Problem {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(res.text) as Problem;
  expect(problem).toMatchObject({ status, code });
  return problem;
}

const fieldsOf = (problem: Problem): string[] => (problem.errors ?? []).map((e) => e.field);

/** A problem without what names the request (instance, requestId): what a client can compare. */
function shapeOf(problem: Problem): Omit<Problem, 'instance' | 'requestId'> {
  const rest: Partial<Problem> = { ...problem };
  delete rest.instance;
  delete rest.requestId;
  return rest as Omit<Problem, 'instance' | 'requestId'>;
}

const idsOf = (items: ItemBody[]): string[] => items.map((i) => i.id);

/** Expected order of a list: by the sort value, ties broken by id, as the API documents. */
function sortedIds(items: ItemBody[], sort: 'createdAt' | 'updatedAt' | 'title', order: string) {
  const sign = order === 'asc' ? 1 : -1;
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...items]
    .sort((a, b) => sign * (cmp(a[sort], b[sort]) || cmp(a.id, b.id)))
    .map((i) => i.id);
}

/** An item whose body is 20,000 characters of 4-byte UTF-8: 80,000 bytes raw, 240,000 as \\u escapes. */
const emojiItem = { title: '😀 smile', body: '😀'.repeat(20_000), tags: ['😀'] };

/** JSON with every non-ASCII character escaped as \uXXXX, as many clients send it. */
const asciiJson = (value: object): string =>
  JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

describe('items', () => {
  let t: TestApp;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await startApp();
    admin = await signInAdmin(t.http);
  });
  afterAll(() => t.close());

  const newUser = () => signUp(t.http);
  const create = (user: SignedIn, overrides: Partial<ItemInput> = {}) =>
    createItem(t.http, user.bearer, overrides);
  const post = (user: SignedIn, body: object) =>
    t.http().post('/items').set('Authorization', user.bearer).send(body);
  const get = (user: SignedIn, id: string) =>
    t.http().get(`/items/${id}`).set('Authorization', user.bearer);
  const patch = (user: SignedIn, id: string, body: object) =>
    t.http().patch(`/items/${id}`).set('Authorization', user.bearer).send(body);
  const del = (user: SignedIn, id: string) =>
    t.http().delete(`/items/${id}`).set('Authorization', user.bearer);
  const restore = (user: SignedIn, id: string) =>
    t.http().post(`/items/${id}/restore`).set('Authorization', user.bearer);
  const list = (user: SignedIn, query: Record<string, string | number> = {}) =>
    t.http().get('/items').set('Authorization', user.bearer).query(query);
  const listAll = (user: SignedIn, query: Record<string, string | number> = {}) =>
    listAllItems(t.http, user.bearer, query);

  /** The item as its owner reads it now. */
  const current = async (owner: SignedIn, id: string): Promise<ItemBody> =>
    (await get(owner, id).expect(200)).body as ItemBody;

  describe('POST /items', () => {
    it('answers 201 with Location, ETag and the item owned by the caller, fields normalised', async () => {
      const user = await newUser();
      const res = await post(user, {
        title: '  Hello, world  ',
        tags: ['News', 'news', ' HowTo ', 'NEWS'],
      }).expect(201);
      const item = res.body as ItemBody;
      expect(Object.keys(item).sort()).toEqual(ITEM_KEYS);
      expect(item).toMatchObject({
        ownerId: user.id,
        title: 'Hello, world',
        body: '',
        tags: ['news', 'howto'],
        status: 'draft',
        version: 1,
      });
      expect(item.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(item.createdAt).toMatch(ISO);
      expect(item.updatedAt).toBe(item.createdAt);
      expect(Math.abs(Date.parse(item.createdAt) - Date.now())).toBeLessThan(60_000);
      expect(res.headers.location).toBe(`/items/${item.id}`);
      expect(res.headers.etag).toBe(`"${item.id}.v1"`);
      expect(res.headers['idempotent-replayed']).toBeUndefined();

      // What was stored is what was answered.
      expect(await current(user, item.id)).toEqual(item);
    });

    it('keeps body and status when given', async () => {
      const user = await newUser();
      const res = await post(user, { title: 'x', body: 'Some text', status: 'published' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ body: 'Some text', status: 'published', tags: [] });
    });

    it('accepts the limits: 200-character title, 20,000-character body, 20 tags of 40 characters', async () => {
      const user = await newUser();
      const input = {
        title: 'T'.repeat(200),
        body: 'b'.repeat(20_000),
        tags: Array.from(
          { length: 20 },
          (_, i) => `${'x'.repeat(38)}${String(i).padStart(2, '0')}`,
        ),
      };
      const created = (await post(user, input).expect(201)).body as ItemBody;
      expect(await current(user, created.id)).toMatchObject(input);
    });

    it('accepts 20 tags of 40 characters that JSON has to escape, and stores them intact', async () => {
      const user = await newUser();
      const tags = Array.from(
        { length: 20 },
        (_, i) => `${'"\\'.repeat(19)}${String(i).padStart(2, '0')}`,
      );
      expect(tags.every((tag) => tag.length === 40)).toBe(true);
      const res = await post(user, { title: 'quotes', tags });
      expect(res.status).toBe(201);
      const created = res.body as ItemBody;
      expect((await current(user, created.id)).tags).toEqual(tags);
    });

    it.each<[string, object, string]>([
      ['a missing title', { body: 'x' }, 'title'],
      ['an empty title', { title: '' }, 'title'],
      ['a whitespace-only title', { title: '   \t ' }, 'title'],
      ['a title that is not a string', { title: 42 }, 'title'],
      ['a 201-character title', { title: 'T'.repeat(201) }, 'title'],
      ['a 20,001-character body', { title: 'x', body: 'b'.repeat(20_001) }, 'body'],
      ['21 tags', { title: 'x', tags: Array.from({ length: 21 }, (_, i) => `tag-${i}`) }, 'tags'],
      ['a 41-character tag', { title: 'x', tags: ['ok', 'a'.repeat(41)] }, 'tags'],
      ['an empty tag', { title: 'x', tags: ['ok', ''] }, 'tags'],
      ['a whitespace-only tag', { title: 'x', tags: ['   '] }, 'tags'],
      ['tags that are not an array', { title: 'x', tags: 'news' }, 'tags'],
      ['an unknown status', { title: 'x', status: 'deleted' }, 'status'],
      ['an ownerId', { title: 'x', ownerId: MISSING_ID }, 'ownerId'],
      ['a version', { title: 'x', version: 7 }, 'version'],
      ['an id', { title: 'x', id: MISSING_ID }, 'id'],
    ])('refuses %s with 400 naming the field, and creates nothing', async (_label, body, field) => {
      const user = await newUser();
      const problem = expectProblem(await post(user, body), 400, 'validation_failed');
      expect(fieldsOf(problem)).toContain(field);
      expect(problem.errors?.every((e) => e.message.length > 0)).toBe(true);
      expect(await listAll(user, { ownerId: user.id })).toEqual([]);
    });

    describe('a body of 20,000 emoji', () => {
      it('is refused with 413 over the default 100kb limit when sent as \\u escapes', async () => {
        const user = await newUser();
        const json = asciiJson(emojiItem);
        expect(Buffer.byteLength(json)).toBeGreaterThan(100 * 1024);
        const res = await t
          .http()
          .post('/items')
          .set('Authorization', user.bearer)
          .set('Content-Type', 'application/json')
          .send(json);
        expectProblem(res, 413, 'payload_too_large');
        expect(await listAll(user, { ownerId: user.id })).toEqual([]);
      });
    });

    describe('Idempotency-Key', () => {
      const postWithKey = (user: SignedIn, key: string, body: object) =>
        post(user, body).set('Idempotency-Key', key);

      it('replays the first answer for the same key and body, creating nothing new', async () => {
        const user = await newUser();
        const input = buildItemInput();
        const first = await postWithKey(user, 'key-1', input).expect(201);
        const second = await postWithKey(user, 'key-1', input).expect(201);
        const item = first.body as ItemBody;
        expect(first.headers['idempotent-replayed']).toBeUndefined();
        expect(second.headers['idempotent-replayed']).toBe('true');
        expect(second.body).toEqual(item);
        expect(second.headers.location).toBe(`/items/${item.id}`);
        expect(second.headers.etag).toBe(etagOf(item));
        expect(idsOf(await listAll(user, { ownerId: user.id }))).toEqual([item.id]);
      });

      it('treats bodies that normalise to the same item as the same request', async () => {
        const user = await newUser();
        const first = await postWithKey(user, 'k', { title: 'Same', tags: ['A'] }).expect(201);
        const second = await postWithKey(user, 'k', { title: ' Same ', tags: ['a', 'A'] }).expect(
          201,
        );
        expect((second.body as ItemBody).id).toBe((first.body as ItemBody).id);
        expect(await listAll(user, { ownerId: user.id })).toHaveLength(1);
      });

      it('answers 409 for the same key with a different body, and keeps the first item', async () => {
        const user = await newUser();
        const first = (await postWithKey(user, 'key-2', { title: 'First' }).expect(201))
          .body as ItemBody;
        expectProblem(await postWithKey(user, 'key-2', { title: 'Second' }), 409, 'conflict');
        const items = await listAll(user, { ownerId: user.id });
        expect(items).toEqual([first]);
      });

      it('keys belong to a user: another user with the same key creates their own item', async () => {
        const alice = await newUser();
        const bob = await newUser();
        const input = buildItemInput();
        const a = (await postWithKey(alice, 'shared-key', input).expect(201)).body as ItemBody;
        const b = await postWithKey(bob, 'shared-key', input).expect(201);
        expect(b.headers['idempotent-replayed']).toBeUndefined();
        const bItem = b.body as ItemBody;
        expect(bItem.id).not.toBe(a.id);
        expect(bItem.ownerId).toBe(bob.id);
        expect(idsOf(await listAll(alice, { ownerId: alice.id }))).toEqual([a.id]);
        expect(idsOf(await listAll(bob, { ownerId: bob.id }))).toEqual([bItem.id]);
      });

      it('different keys create different items', async () => {
        const user = await newUser();
        const input = buildItemInput();
        await postWithKey(user, 'one', input).expect(201);
        await postWithKey(user, 'two', input).expect(201);
        expect(await listAll(user, { ownerId: user.id })).toHaveLength(2);
      });

      it.each([
        ['300 characters', 'k'.repeat(300)],
        ['a space', 'has a space'],
      ])('refuses a key with %s with 400, creating nothing', async (_label, key) => {
        const user = await newUser();
        const problem = expectProblem(
          await postWithKey(user, key, buildItemInput()),
          400,
          'validation_failed',
        );
        expect(fieldsOf(problem)).toContain('Idempotency-Key');
        expect(await listAll(user, { ownerId: user.id })).toEqual([]);
      });
    });

    it('requires a token', async () => {
      expectProblem(await t.http().post('/items').send(buildItemInput()), 401, 'token_invalid');
    });
  });

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
      expectProblem(await restore(owner, item.id), 409, 'conflict');
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

  describe('keyset pagination while items are inserted between pages', () => {
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

/**
 * Its own app, started after the main one is closed: passport registers the JWT strategy process-wide,
 * so two apps alive at once would verify every token against the last one's secret and database.
 */
describe('items with BODY_LIMIT=1mb: a body of 20,000 emoji', () => {
  let big: TestApp;
  beforeAll(async () => {
    big = await startApp({ BODY_LIMIT: '1mb' });
  });
  afterAll(() => big.close());

  it.each<[string, (value: object) => string]>([
    ['raw UTF-8', (value) => JSON.stringify(value)],
    ['\\u escapes', asciiJson],
  ])('round-trips intact when sent as %s', async (_label, encode) => {
    const user = await signUp(big.http);
    const res = await big
      .http()
      .post('/items')
      .set('Authorization', user.bearer)
      .set('Content-Type', 'application/json')
      .send(encode(emojiItem))
      .expect(201);
    const created = res.body as ItemBody;
    expect(created.body).toBe(emojiItem.body);
    const read = (
      await big.http().get(`/items/${created.id}`).set('Authorization', user.bearer).expect(200)
    ).body as ItemBody;
    expect(read.body).toBe(emojiItem.body);
    expect(read.body.length).toBe(40_000);
    expect(read.title).toBe(emojiItem.title);
    expect(read.tags).toEqual(['😀']);
  });
});
