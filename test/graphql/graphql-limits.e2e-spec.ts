import { DataSource } from 'typeorm';
import { signUp, SignedIn } from '../helpers/auth';
import { expectProblem } from '../helpers/expect-problem';
import { expectGraphqlError, gql } from '../helpers/graphql';
import { createItem } from '../helpers/items';
import { startApp, TestApp } from '../helpers/test-app';

/** Nothing internal: no stack, no ORM or driver names, no SQL. */
const INTERNALS = /stack|at \w+ \(|typeorm|sqlite|mysql|QueryFailed|SELECT|FROM|no such table/i;

const ITEM =
  'id title body tags status version createdAt updatedAt ownerId owner { id displayName }';

describe('GraphQL limits and errors (GRAPHQL_MAX_DEPTH=4, BODY_LIMIT=16kb)', () => {
  let t: TestApp;
  let user: SignedIn;

  beforeAll(async () => {
    t = await startApp({ GRAPHQL_MAX_DEPTH: '4', BODY_LIMIT: '16kb' });
    user = await signUp(t.http);
    await createItem(t.http, user.bearer, { status: 'published' });
  });
  afterAll(() => t.close());

  /** After every refusal the server still answers a plain query. */
  const stillAnswers = async (): Promise<void> => {
    const ok = await gql(t.http, '{ me { id } }', { bearer: user.bearer });
    expect(ok.data).toEqual({ me: { id: user.id } });
  };

  const refused = async (query: string): Promise<void> => {
    const answer = await gql(t.http, query, { bearer: user.bearer });
    expect(answer.res.status).toBe(400);
    expectGraphqlError(answer, 'query_too_complex');
    expect(answer.data).toBeNull();
    await stillAnswers();
  };

  it('refuses a query deeper than GRAPHQL_MAX_DEPTH, and allows one at the limit', async () => {
    await refused('{ me { items { nodes { owner { id } } } } }');
    const atLimit = await gql(t.http, '{ me { items { nodes { id } } } }', { bearer: user.bearer });
    expect(atLimit.errors).toEqual([]);
  });

  it('refuses a costly query (cost counts first:), and allows one page of 100 with owners', async () => {
    const page = `items(first: 100) { nodes { ${ITEM} } }`;
    const one = await gql(t.http, `{ ${page} }`, { bearer: user.bearer });
    expect(one.errors).toEqual([]);
    await refused(`{ a: ${page} b: ${page} }`);
  });

  it('refuses an alias flood', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: me { id }`).join(' ');
    await refused(`{ ${aliases} }`);
    const fifteen = Array.from({ length: 15 }, (_, i) => `a${i}: me { id }`).join(' ');
    expect((await gql(t.http, `{ ${fifteen} }`, { bearer: user.bearer })).errors).toEqual([]);
  });

  it('refuses a document of too many tokens while parsing', async () => {
    await refused(`{ ${'__typename '.repeat(1100)} }`.replace(/__typename /g, 'a b '));
  });

  it('refuses a batched request with 400 and runs none of it', async () => {
    const res = await t
      .http()
      .post('/graphql')
      .set('Authorization', user.bearer)
      .send([{ query: 'mutation { logoutAll }' }, { query: '{ me { id } }' }]);
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('logoutAll');
    await stillAnswers();
  });

  it('CSRF prevention: a GET without a preflight header is refused', async () => {
    const res = await t.http().get('/graphql').query({ query: '{ __typename }' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/CSRF|preflight/i);
    const withHeader = await t
      .http()
      .get('/graphql')
      .set('apollo-require-preflight', 'true')
      .query({ query: '{ __typename }' });
    expect(withHeader.status).toBe(200);
  });

  it('applies BODY_LIMIT and the hostile JSON guard before Apollo', async () => {
    const big = await t
      .http()
      .post('/graphql')
      .send({ query: '{ __typename }', variables: { pad: 'x'.repeat(20_000) } });
    expectProblem(big, 413, 'payload_too_large');
    const hostile = await t
      .http()
      .post('/graphql')
      .set('Content-Type', 'application/json')
      .send('{"query":"{ __typename }","variables":{"__proto__":{"x":1}}}');
    expectProblem(hostile, 400, 'hostile_json');
    await stillAnswers();
  });

  it('a malformed document is bad_request; an unknown field validation_failed; no stack trace', async () => {
    const syntax = await gql(t.http, '{ me { id ', { bearer: user.bearer });
    expectGraphqlError(syntax, 'bad_request');
    const unknown = await gql(t.http, '{ me { password } }', { bearer: user.bearer });
    expectGraphqlError(unknown, 'validation_failed');
    for (const answer of [syntax, unknown]) {
      expect(JSON.stringify(answer.res.body)).not.toMatch(/stacktrace/i);
    }
  });

  it('development: introspection and the landing page are on', async () => {
    const schema = await gql(t.http, '{ __schema { queryType { name } } }');
    expect(schema.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const page = await t
      .http()
      .get('/graphql')
      .set('Accept', 'text/html')
      .set('apollo-require-preflight', 'true');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<html/i);
    // The page's own nonce-based CSP (a <meta>) governs it; helmet's header would block its scripts.
    expect(page.text).toMatch(/http-equiv="Content-Security-Policy"/);
    expect(page.headers['content-security-policy']).toBeUndefined();
  });

  // Last: it breaks this app's database on purpose.
  it('masks an unexpected error as internal with the request id, no SQL or driver message', async () => {
    await t.app.get(DataSource).query('DROP TABLE item_tags');
    const answer = await gql(t.http, '{ items(filter: { tag: "news" }) { nodes { id } } }', {
      bearer: user.bearer,
    });
    const error = expectGraphqlError(answer, 'internal');
    expect(error.message).toBe(
      'An unexpected error occurred; quote the requestId when reporting it.',
    );
    expect(error.extensions.requestId).toBe(answer.res.headers['x-request-id']);
    expect(JSON.stringify(answer.res.body)).not.toMatch(INTERNALS);
  });
});

describe('GraphQL in production (NODE_ENV=production)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ NODE_ENV: 'production' });
  });
  afterAll(() => t.close());

  it('hides introspection, field suggestions and the landing page', async () => {
    const schema = await gql(t.http, '{ __schema { queryType { name } } }');
    expect(schema.data).toBeNull();
    expectGraphqlError(schema, 'validation_failed');
    const typo = await gql(t.http, '{ mee { id } }');
    expect(JSON.stringify(typo.res.body)).not.toMatch(/did you mean|"me"/i);
    const page = await t
      .http()
      .get('/graphql')
      .set('Accept', 'text/html')
      .set('apollo-require-preflight', 'true');
    expect(page.text).not.toMatch(/<html/i);
  });
});
