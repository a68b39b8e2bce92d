import { buildItemInput } from '../factories/item.factory';
import { signUp } from '../helpers/auth';
import { expectProblem } from '../helpers/expect-problem';
import { ItemBody, MISSING_ID } from '../helpers/items';
import { itemsApi } from '../helpers/items-api';
import { fieldsOf } from '../helpers/problem-shape';
import { startApp, TestApp } from '../helpers/test-app';

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

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  const { newUser, post, listAll, current } = itemsApi(() => t);

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

    it('requires a token', async () => {
      expectProblem(await t.http().post('/items').send(buildItemInput()), 401, 'token_invalid');
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
