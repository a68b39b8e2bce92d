import { buildUserInput } from '../factories/user.factory';
import { signInAdmin, signUp, SignedIn } from '../helpers/auth';
import { expectGraphqlError, gql } from '../helpers/graphql';
import { createItem } from '../helpers/items';
import { searchWord } from '../helpers/search-words';
import { startApp, TestApp } from '../helpers/test-app';

interface Tokens {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
}

const TOKENS = 'accessToken refreshToken tokenType expiresIn refreshExpiresIn';
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { ${TOKENS} } }`;
const REFRESH = `mutation($input: RefreshInput) { refresh(input: $input) { ${TOKENS} } }`;

describe('GraphQL users, auth and search', () => {
  let t: TestApp;
  /** Two users and the admin, for the visibility checks. */
  let alice: SignedIn;
  let bob: SignedIn;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await startApp();
    [alice, bob] = [await signUp(t.http), await signUp(t.http)];
    admin = await signInAdmin(t.http);
  });
  afterAll(() => t.close());

  describe('users', () => {
    it('me answers the signed-in user, with their own items (drafts included)', async () => {
      const draft = await createItem(t.http, alice.bearer, { status: 'draft' });
      const answer = await gql<{
        me: { id: string; email: string; items: { nodes: Array<{ id: string }> } };
      }>(t.http, '{ me { id email role items(first: 50) { nodes { id } } } }', {
        bearer: alice.bearer,
      });
      expect(answer.data?.me).toMatchObject({ id: alice.id, email: alice.email, role: 'user' });
      expect(answer.data?.me.items.nodes.map((n) => n.id)).toContain(draft.id);
    });

    it('user(id) and users are for admins; a user gets forbidden', async () => {
      const one = await gql(t.http, 'query($id: ID!) { user(id: $id) { id } }', {
        variables: { id: alice.id },
        bearer: bob.bearer,
      });
      expectGraphqlError(one, 'forbidden');
      expectGraphqlError(
        await gql(t.http, '{ users { nodes { id } } }', { bearer: bob.bearer }),
        'forbidden',
      );

      const byAdmin = await gql<{ user: { id: string } }>(
        t.http,
        'query($id: ID!) { user(id: $id) { id } }',
        {
          variables: { id: alice.id },
          bearer: admin.bearer,
        },
      );
      expect(byAdmin.data?.user.id).toBe(alice.id);
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 100; page += 1) {
        const answer: Awaited<
          ReturnType<
            typeof gql<{
              users: {
                nodes: Array<{ id: string }>;
                pageInfo: { hasNextPage: boolean; endCursor: string | null };
              };
            }>
          >
        > = await gql(
          t.http,
          'query($after: String) { users(first: 1, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }',
          {
            variables: { after },
            bearer: admin.bearer,
          },
        );
        const users = answer.data?.users;
        seen.push(...(users?.nodes ?? []).map((n) => n.id));
        if (!users?.pageInfo.hasNextPage) break;
        after = users.pageInfo.endCursor;
      }
      expect(seen).toEqual(expect.arrayContaining([admin.id, alice.id, bob.id]));
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('User.items shows an admin every item of a user, and a stranger cannot reach it', async () => {
      const owner = await signUp(t.http);
      const draft = await createItem(t.http, owner.bearer, { status: 'draft' });
      const asAdmin = await gql<{ user: { items: { nodes: Array<{ id: string }> } } }>(
        t.http,
        'query($id: ID!) { user(id: $id) { items { nodes { id } } } }',
        { variables: { id: owner.id }, bearer: admin.bearer },
      );
      expect(asAdmin.data?.user.items.nodes.map((n) => n.id)).toEqual([draft.id]);
      const asStranger = await gql(
        t.http,
        'query($id: ID!) { user(id: $id) { items { nodes { id } } } }',
        {
          variables: { id: owner.id },
          bearer: bob.bearer,
        },
      );
      expectGraphqlError(asStranger, 'forbidden');
      expect(JSON.stringify(asStranger.res.body)).not.toContain(draft.id);
    });

    it('User.items refuses first over 100, with the same rule as items', async () => {
      const answer = await gql(t.http, '{ me { items(first: 101) { nodes { id } } } }', {
        bearer: alice.bearer,
      });
      expectGraphqlError(answer, 'validation_failed');
    });

    it('updateMe changes the display name; an empty change is validation_failed', async () => {
      const user = await signUp(t.http);
      const UPDATE = 'mutation($input: UpdateMeInput!) { updateMe(input: $input) { displayName } }';
      const ok = await gql(t.http, UPDATE, {
        variables: { input: { displayName: ' New Name ' } },
        bearer: user.bearer,
      });
      expect(ok.data).toEqual({ updateMe: { displayName: 'New Name' } });
      const empty = await gql(t.http, UPDATE, { variables: { input: {} }, bearer: user.bearer });
      expectGraphqlError(empty, 'validation_failed');
      const noCurrent = await gql(t.http, UPDATE, {
        variables: { input: { password: 'another-password-1' } },
        bearer: user.bearer,
      });
      const fields = expectGraphqlError(noCurrent, 'validation_failed').extensions.errors ?? [];
      expect(new Set(fields.map((e) => e.field))).toEqual(new Set(['currentPassword']));
    });
  });

  describe('auth', () => {
    it('register creates a user account; a taken email is email_taken, a short password validation_failed', async () => {
      const input = buildUserInput();
      const REGISTER =
        'mutation($input: RegisterInput!) { register(input: $input) { email role } }';
      const created = await gql(t.http, REGISTER, { variables: { input } });
      expect(created.data).toEqual({ register: { email: input.email, role: 'user' } });
      expectGraphqlError(await gql(t.http, REGISTER, { variables: { input } }), 'email_taken');
      const weak = await gql(t.http, REGISTER, {
        variables: { input: buildUserInput({ password: 'short' }) },
      });
      expect(expectGraphqlError(weak, 'validation_failed').extensions.errors).toEqual([
        { field: 'password', message: 'password must be at least 8 characters' },
      ]);
    });

    it('login answers tokens and the refresh cookie for /graphql; a wrong password is invalid_credentials', async () => {
      const user = await signUp(t.http);
      const answer = await gql<{ login: Tokens }>(t.http, LOGIN, {
        variables: { input: { email: user.email, password: user.password } },
      });
      expect(answer.data?.login.tokenType).toBe('Bearer');
      const cookie = String(answer.res.headers['set-cookie']);
      expect(cookie).toMatch(
        /keel_refresh=[^;]+; Max-Age=\d+; Path=\/graphql; Expires=.*HttpOnly; SameSite=Strict/,
      );
      const me = await gql(t.http, '{ me { id } }', {
        bearer: `Bearer ${answer.data?.login.accessToken}`,
      });
      expect(me.data).toEqual({ me: { id: user.id } });
      const wrong = await gql(t.http, LOGIN, {
        variables: { input: { email: user.email, password: 'wrong-password' } },
      });
      expectGraphqlError(wrong, 'invalid_credentials');
      expect(wrong.data).toBeNull();
    });

    it('refresh rotates; presenting a used token revokes the whole family', async () => {
      const user = await signUp(t.http);
      const first = await gql<{ refresh: Tokens }>(t.http, REFRESH, {
        variables: { input: { refreshToken: user.refreshToken } },
      });
      const rotated = first.data?.refresh as Tokens;
      expect(rotated.refreshToken).not.toBe(user.refreshToken);
      const reused = await gql(t.http, REFRESH, {
        variables: { input: { refreshToken: user.refreshToken } },
      });
      expectGraphqlError(reused, 'refresh_token_invalid');
      const family = await gql(t.http, REFRESH, {
        variables: { input: { refreshToken: rotated.refreshToken } },
      });
      expectGraphqlError(family, 'refresh_token_invalid');
    });

    it('refresh reads the cookie when no token is given; none at all is refresh_token_invalid', async () => {
      const user = await signUp(t.http);
      const login = await gql<{ login: Tokens }>(t.http, LOGIN, {
        variables: { input: { email: user.email, password: user.password } },
      });
      const cookie = String(login.res.headers['set-cookie']).split(';')[0];
      const res = await t
        .http()
        .post('/graphql')
        .set('Cookie', cookie)
        .send({ query: '{ __typename }' });
      expect(res.status).toBe(200);
      const refreshed = await t
        .http()
        .post('/graphql')
        .set('Cookie', cookie)
        .send({ query: REFRESH });
      expect((refreshed.body as { data: { refresh: Tokens } }).data.refresh.accessToken).toEqual(
        expect.any(String),
      );
      expectGraphqlError(await gql(t.http, REFRESH), 'refresh_token_invalid');
    });

    it('logout ends the session; logoutAll ends every session of the user', async () => {
      const user = await signUp(t.http);
      const out = await gql(t.http, 'mutation($input: RefreshInput) { logout(input: $input) }', {
        variables: { input: { refreshToken: user.refreshToken } },
      });
      expect(out.data).toEqual({ logout: true });
      expectGraphqlError(
        await gql(t.http, REFRESH, { variables: { input: { refreshToken: user.refreshToken } } }),
        'refresh_token_invalid',
      );

      const other = await gql<{ login: Tokens }>(t.http, LOGIN, {
        variables: { input: { email: user.email, password: user.password } },
      });
      const all = await gql(t.http, 'mutation { logoutAll }', {
        bearer: `Bearer ${other.data?.login.accessToken}`,
      });
      expect(all.data).toEqual({ logoutAll: true });
      expectGraphqlError(
        await gql(t.http, REFRESH, {
          variables: { input: { refreshToken: other.data?.login.refreshToken } },
        }),
        'refresh_token_invalid',
      );
      expectGraphqlError(await gql(t.http, 'mutation { logoutAll }'), 'token_invalid');
    });
  });

  describe('search', () => {
    it('searchItems ranks with highlights and total, and never shows a stranger’s draft', async () => {
      const w = searchWord();
      const inTitle = await createItem(t.http, alice.bearer, {
        title: `${w} field guide`,
        status: 'published',
      });
      const draft = await createItem(t.http, alice.bearer, {
        title: `${w} secret`,
        status: 'draft',
      });
      const SEARCH = `query($q: String!) { searchItems(query: $q, first: 10) {
        total nodes { score highlights { title body } item { id } } pageInfo { hasNextPage } } }`;
      const asBob = await gql<{
        searchItems: {
          total: number;
          nodes: Array<{ item: { id: string }; highlights: { title: string[] | null } }>;
        };
      }>(t.http, SEARCH, { variables: { q: w }, bearer: bob.bearer });
      expect(asBob.errors).toEqual([]);
      expect(asBob.data?.searchItems.total).toBe(1);
      expect(asBob.data?.searchItems.nodes[0]).toMatchObject({
        item: { id: inTitle.id },
        highlights: { title: [`<em>${w}</em> field guide`] },
      });
      const asAlice = await gql<{ searchItems: { total: number } }>(t.http, SEARCH, {
        variables: { q: w },
        bearer: alice.bearer,
      });
      expect(asAlice.data?.searchItems.total).toBe(2);
      const filtered = await gql<{ searchItems: { total: number } }>(
        t.http,
        'query($q: String!) { searchItems(query: $q, filter: { status: draft }) { total } }',
        { variables: { q: w }, bearer: bob.bearer },
      );
      expect(filtered.data?.searchItems.total).toBe(0);
      expect(JSON.stringify(filtered.res.body)).not.toContain(draft.id);
    });

    it('suggestItems gives titles the viewer may read; an empty prefix is validation_failed', async () => {
      const w = searchWord();
      await createItem(t.http, alice.bearer, { title: `${w} visible`, status: 'published' });
      await createItem(t.http, alice.bearer, { title: `${w} hidden`, status: 'draft' });
      const SUGGEST = 'query($p: String!) { suggestItems(prefix: $p) }';
      const asBob = await gql(t.http, SUGGEST, { variables: { p: w }, bearer: bob.bearer });
      expect(asBob.data).toEqual({ suggestItems: [`${w} visible`] });
      expectGraphqlError(
        await gql(t.http, SUGGEST, { variables: { p: '' }, bearer: bob.bearer }),
        'validation_failed',
      );
    });
  });
});

describe('GraphQL auth rate limit (AUTH_RATE_LIMIT=2)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ AUTH_RATE_LIMIT: '2' });
  });
  afterAll(() => t.close());

  it('login past the limit is too_many_requests, counted per email as in REST', async () => {
    const input = { email: 'nobody@example.test', password: 'whatever-password' };
    for (let i = 0; i < 2; i += 1) {
      expectGraphqlError(await gql(t.http, LOGIN, { variables: { input } }), 'invalid_credentials');
    }
    const limited = await gql(t.http, LOGIN, { variables: { input } });
    expect(expectGraphqlError(limited, 'too_many_requests').extensions).toMatchObject({
      retryAfterSeconds: expect.any(Number),
    });
  });
});
