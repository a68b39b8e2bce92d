import type { Response } from 'supertest';
import { signInAdmin, signUp, SignedIn } from './helpers/auth';
import { createItem, ItemBody } from './helpers/items';
import { expectProblem } from './helpers/expect-problem';
import { searchWord } from './helpers/search-words';
import { startApp, TestApp } from './helpers/test-app';
import type { ItemInput } from './factories/item.factory';
import type { Problem } from '../src/common/errors/problem';

/** A supertest expectation: a problem+json answer with this status and code. */
const answers =
  (status: number, code: string) =>
  (res: Response): void => {
    expectProblem(res, status, code);
  };

interface Hit {
  item: ItemBody;
  score: number;
  highlights: { title?: string[]; body?: string[] };
}
type Query = Record<string, string | number>;

interface SearchPage {
  data: Hit[];
  total: number;
  nextCursor: string | null;
}

const word = searchWord;

describe('search (database driver)', () => {
  let t: TestApp;
  let admin: SignedIn;
  let alice: SignedIn;
  let bob: SignedIn;

  beforeAll(async () => {
    t = await startApp();
    admin = await signInAdmin(t.http);
    alice = await signUp(t.http);
    bob = await signUp(t.http);
  });
  afterAll(async () => {
    await t.close();
  });

  const search = async (
    user: SignedIn,
    query: Record<string, string | number>,
    status = 200,
  ): Promise<SearchPage> => {
    const res = await t.http().get('/search/items').set('Authorization', user.bearer).query(query);
    expect({
      status: res.status,
      body: res.status === status ? null : (res.body as unknown),
    }).toEqual({ status, body: null });
    return res.body as SearchPage;
  };
  const ids = (page: SearchPage): string[] => page.data.map((h) => h.item.id);

  /** Every hit for the query, following nextCursor; checks `total` on each page. */
  const searchAll = async (
    user: SignedIn,
    query: Record<string, string | number>,
  ): Promise<{ ids: string[]; total: number }> => {
    const found: string[] = [];
    let cursor: string | null = null;
    let total = -1;
    for (let page = 0; page < 100; page += 1) {
      const body = await search(user, { ...query, ...(cursor ? { cursor } : {}) });
      if (total === -1) total = body.total;
      expect(body.total).toBe(total);
      found.push(...ids(body));
      cursor = body.nextCursor;
      if (!cursor) return { ids: found, total };
    }
    throw new Error('search did not reach its last page');
  };

  const suggest = async (user: SignedIn, q: string): Promise<string[]> => {
    const res = await t
      .http()
      .get('/search/items/suggest')
      .set('Authorization', user.bearer)
      .query({ q })
      .expect(200);
    return (res.body as { data: string[] }).data;
  };

  const create = (user: SignedIn, input: Partial<ItemInput>): Promise<ItemBody> =>
    createItem(t.http, user.bearer, input);

  it('needs authentication', async () => {
    await t
      .http()
      .get('/search/items')
      .query({ q: 'anything' })
      .expect(answers(401, 'token_invalid'));
    await t
      .http()
      .get('/search/items/suggest')
      .query({ q: 'anything' })
      .expect(answers(401, 'token_invalid'));
  });

  it('ranks a title match above a body-only match, with highlights', async () => {
    const w = word();
    const inBody = await create(alice, {
      title: 'Another entry',
      body: `Notes that mention ${w} twice: ${w}, and some more text.`,
    });
    const inTitle = await create(alice, {
      title: `${w} field guide`,
      body: 'Nothing special here.',
    });

    const page = await search(bob, { q: w });
    expect(ids(page)).toEqual([inTitle.id, inBody.id]);
    expect(page.total).toBe(2);
    expect(page.data[0].score).toBeGreaterThan(page.data[1].score);
    expect(page.data[0].highlights.title).toEqual([`<em>${w}</em> field guide`]);
    expect(page.data[1].highlights.title).toBeUndefined();
    expect(page.data[1].highlights.body?.[0]).toContain(`<em>${w}</em>`);
    expect(page.data[0].item).toEqual(inTitle);
  });

  it('matches every word, the last one as a prefix, ignoring case and accents', async () => {
    const w = word();
    const item = await create(alice, { title: `Zürich naïve ${w}`, body: 'Crème brûlée recipe' });
    for (const q of [
      w.toUpperCase(),
      w.slice(0, 6),
      `zürich ${w}`,
      `Zurich ${w}`,
      `naïve ${w}`,
      `naive ${w}`,
      `${w} creme`,
      `${w} brûl`,
    ]) {
      expect({ q, ids: ids(await search(bob, { q })) }).toEqual({ q, ids: [item.id] });
    }
    expect(ids(await search(bob, { q: `${w} missingword` }))).toEqual([]);
  });

  it('never fails on operators, unicode, emoji or injection-shaped input', async () => {
    const w = word();
    const item = await create(alice, { title: `Special ${w}`, body: 'Body text' });
    const specials = [
      '"',
      '*',
      '+',
      '-',
      '(',
      ')',
      '~',
      '/',
      '\\',
      '<',
      '>',
      '@',
      ':',
      '^',
      "'",
      '%',
      '_',
    ];
    const finding = [
      ...specials.flatMap((c) => [`${c}${w}`, `${w}${c}`, `${c}${w}${c}`, `${c}${c} ${w} ${c}`]),
      `"${w}`,
      `${w}" OR "1"="1`.replace(/OR|1/g, ''),
      `${w}'; --`,
      `${w} 😀`,
      `😀${w}😀`,
      `NEAR(${w})`.replace('NEAR', ''),
      `${w}${' '.repeat(256 - w.length)}`,
    ];
    for (const q of finding) {
      expect({ q, ids: ids(await search(bob, { q })) }).toEqual({ q, ids: [item.id] });
    }
    const surviving = [
      ...specials,
      specials.join(''),
      '😀',
      '👩‍👩‍👧',
      "' OR 1=1 --",
      `${w}'; DROP TABLE items; --`,
      '") OR 1=1; --',
      'title:foo AND body:bar',
      'NEAR(a b)',
      'a',
      'to be or not to be',
      'x'.repeat(256),
      'é'.repeat(256),
      '\u0000',
      '\ud83d',
    ];
    for (const q of surviving) {
      const res = await t.http().get('/search/items').set('Authorization', bob.bearer).query({ q });
      expect({ q, status: res.status }).toEqual({ q, status: 200 });
    }
    await t.http().get('/items').set('Authorization', bob.bearer).expect(200);
  });

  it('refuses a query over 256 characters with 400', async () => {
    const res = await t
      .http()
      .get('/search/items')
      .set('Authorization', bob.bearer)
      .query({ q: 'x'.repeat(257) })
      .expect(answers(400, 'validation_failed'));
    expect((res.body as Problem).code).toBe('validation_failed');
  });

  it('lists by recency for an empty query, with score 0 and no highlights', async () => {
    const user = await signUp(t.http);
    const made: ItemBody[] = [];
    for (let i = 0; i < 4; i += 1) made.push(await create(user, { title: `Recent ${i}` }));
    const expected = [...made]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
      .map((i) => i.id);
    for (const q of [{}, { q: '' }, { q: '  ' }, { q: '?!' }] as Query[]) {
      const page = await search(user, { ...q, ownerId: user.id });
      expect(ids(page)).toEqual(expected);
      expect(page.total).toBe(4);
      expect(page.data.every((h) => h.score === 0 && Object.keys(h.highlights).length === 0)).toBe(
        true,
      );
    }
  });

  it('never shows a draft to a stranger, by query, tag, status or suggestion', async () => {
    const w = word();
    const tag = `tag-${w}`;
    const draft = await create(alice, {
      title: `${w} secret plan`,
      body: `${w} body`,
      tags: [tag],
      status: 'draft',
    });
    const archived = await create(alice, { title: `${w} archived`, status: 'archived' });

    for (const query of <Query[]>[
      { q: w },
      { q: w, tag },
      { q: '', tag },
      { q: w, status: 'draft' },
      { q: '', status: 'draft', ownerId: alice.id },
      { q: w, ownerId: alice.id },
    ]) {
      const page = await search(bob, query);
      expect({ query, ids: ids(page), total: page.total }).toEqual({ query, ids: [], total: 0 });
    }
    expect(await suggest(bob, w)).toEqual([]);

    for (const viewer of [alice, admin]) {
      expect(new Set(ids(await search(viewer, { q: w })))).toEqual(
        new Set([draft.id, archived.id]),
      );
      expect(ids(await search(viewer, { q: w, tag }))).toEqual([draft.id]);
      expect(ids(await search(viewer, { q: w, status: 'draft' }))).toEqual([draft.id]);
      expect(await suggest(viewer, w)).toEqual(
        expect.arrayContaining([draft.title, archived.title]),
      );
    }
  });

  it('drops deleted items and finds restored and changed ones at once', async () => {
    const w = word();
    const item = await create(alice, { title: `${w} doomed`, body: 'body' });
    expect(ids(await search(bob, { q: w }))).toEqual([item.id]);

    await t.http().delete(`/items/${item.id}`).set('Authorization', alice.bearer).expect(204);
    for (const viewer of [bob, alice, admin]) {
      const page = await search(viewer, { q: w });
      expect({ ids: ids(page), total: page.total }).toEqual({ ids: [], total: 0 });
    }
    expect(await suggest(admin, w)).toEqual([]);

    await t.http().post(`/items/${item.id}/restore`).set('Authorization', alice.bearer).expect(200);
    expect(ids(await search(bob, { q: w }))).toEqual([item.id]);

    const renamed = word();
    await t
      .http()
      .patch(`/items/${item.id}`)
      .set('Authorization', alice.bearer)
      .send({ title: `${renamed} renamed`, body: 'other' })
      .expect(200);
    expect(ids(await search(bob, { q: w }))).toEqual([]);
    const page = await search(bob, { q: renamed });
    expect(ids(page)).toEqual([item.id]);
    expect(page.data[0].item.title).toBe(`${renamed} renamed`);

    await t
      .http()
      .patch(`/items/${item.id}`)
      .set('Authorization', alice.bearer)
      .send({ status: 'draft' })
      .expect(200);
    expect(ids(await search(bob, { q: renamed }))).toEqual([]);
    expect(ids(await search(alice, { q: renamed }))).toEqual([item.id]);
  });

  it('filters by tag, status and owner', async () => {
    const w = word();
    const tag = `f-${w}`;
    const a1 = await create(alice, { title: `${w} one`, tags: [tag, 'other'] });
    const a2 = await create(alice, { title: `${w} two`, status: 'archived' });
    const b1 = await create(bob, { title: `${w} three`, tags: [tag] });

    const set = async (query: Record<string, string>) => new Set(ids(await search(admin, query)));
    expect(await set({ q: w })).toEqual(new Set([a1.id, a2.id, b1.id]));
    expect(await set({ q: w, tag })).toEqual(new Set([a1.id, b1.id]));
    expect(await set({ q: w, tag: tag.toUpperCase() })).toEqual(new Set([a1.id, b1.id]));
    expect(await set({ q: w, status: 'archived' })).toEqual(new Set([a2.id]));
    expect(await set({ q: w, ownerId: bob.id })).toEqual(new Set([b1.id]));
    expect(await set({ q: w, ownerId: alice.id, tag })).toEqual(new Set([a1.id]));
    expect((await search(admin, { q: w, status: 'archived' })).total).toBe(1);

    await search(admin, { q: w, status: 'gone' }, 400);
    await search(admin, { q: w, ownerId: 'not-a-uuid' }, 400);
    await search(admin, { q: w, limit: 0 }, 400);
    await search(admin, { q: w, unknown: 'x' }, 400);
  });

  it('pages through every match exactly once, with the total on every page', async () => {
    const w = word();
    const user = await signUp(t.http);
    const made: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      made.push(
        (await create(user, { title: i % 2 ? `${w} title ${i}` : `Entry ${i}`, body: `${w} ${i}` }))
          .id,
      );
    }
    for (const query of <Query[]>[
      { q: w, limit: 3 },
      { q: w, limit: 1 },
      { q: '', ownerId: user.id, limit: 2 },
    ]) {
      const all = await searchAll(user, query);
      expect(all.total).toBe(7);
      expect(all.ids).toHaveLength(7);
      expect(new Set(all.ids)).toEqual(new Set(made));
    }
  });

  it('still reports the total on a page left past the last match by deletions', async () => {
    const w = word();
    const made: ItemBody[] = [];
    for (let i = 0; i < 3; i += 1) made.push(await create(alice, { title: `${w} ${i}` }));
    const first = await search(alice, { q: w, limit: 2 });
    expect({ n: first.data.length, total: first.total }).toEqual({ n: 2, total: 3 });
    for (const item of made.slice(0, 2)) {
      await t.http().delete(`/items/${item.id}`).set('Authorization', alice.bearer).expect(204);
    }
    const second = await search(alice, { q: w, limit: 2, cursor: first.nextCursor! });
    expect({ ids: ids(second), total: second.total, next: second.nextCursor }).toEqual({
      ids: [],
      total: 1,
      next: null,
    });
  });

  it('refuses cursors it did not issue, or issued for another kind of query', async () => {
    const w = word();
    for (let i = 0; i < 3; i += 1) await create(alice, { title: `${w} ${i}` });
    const first = await search(alice, { q: w, limit: 1 });
    expect(first.nextCursor).toEqual(expect.any(String));

    for (const cursor of [
      'garbage',
      Buffer.from('[1]').toString('base64url'),
      Buffer.from('["relevance",-5]').toString('base64url'),
      Buffer.from('["relevance",1.5]').toString('base64url'),
      Buffer.from('{"o":1}').toString('base64url'),
    ]) {
      const res = await t
        .http()
        .get('/search/items')
        .set('Authorization', alice.bearer)
        .query({ q: w, cursor })
        .expect(400);
      expect((res.body as Problem).code).toBe('invalid_cursor');
    }
    const res = await t
      .http()
      .get('/search/items')
      .set('Authorization', alice.bearer)
      .query({ q: '', cursor: first.nextCursor! })
      .expect(400);
    expect((res.body as Problem).code).toBe('invalid_cursor');
  });

  it('suggests up to 10 distinct titles by prefix or word start, newest first', async () => {
    const w = word();
    for (let i = 0; i < 12; i += 1) await create(alice, { title: `${w} number ${i}` });
    await create(alice, { title: `${w} number 3` });
    const inner = await create(alice, { title: `Alpha ${w} inner` });

    const all = await suggest(bob, w.slice(0, 7));
    expect(all).toHaveLength(10);
    expect(new Set(all).size).toBe(10);
    expect(all[0]).toBe(inner.title);
    expect(all[1]).toBe(`${w} number 3`);
    expect(all.every((title) => title.toLowerCase().includes(w.slice(0, 7)))).toBe(true);

    expect(await suggest(bob, `${w.toUpperCase()} number 1`)).toEqual(
      expect.arrayContaining([`${w} number 1`, `${w} number 10`, `${w} number 11`]),
    );
    expect(await suggest(bob, `alpha ${w}`)).toEqual([inner.title]);
    for (const q of ['%', '_', '"', '*', '😀', "' OR 1=1 --", '\\']) {
      expect(await suggest(bob, q)).toEqual([]);
    }
    for (const q of ['', 'x'.repeat(101)]) {
      await t
        .http()
        .get('/search/items/suggest')
        .set('Authorization', bob.bearer)
        .query({ q })
        .expect(answers(400, 'validation_failed'));
    }
  });
});
