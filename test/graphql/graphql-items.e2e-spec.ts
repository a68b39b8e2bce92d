import { signInAdmin, signUp, SignedIn } from '../helpers/auth';
import { expectGraphqlError, gql } from '../helpers/graphql';
import { createItem, ItemBody, MISSING_ID } from '../helpers/items';
import { startApp, TestApp } from '../helpers/test-app';

const ITEM_FIELDS = 'id ownerId title body tags status version createdAt updatedAt';

interface Connection<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

describe('GraphQL items', () => {
  let t: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;

  beforeAll(async () => {
    t = await startApp();
    alice = await signUp(t.http);
    bob = await signUp(t.http);
  });
  afterAll(() => t.close());

  const itemOf = (id: string, bearer: string) =>
    gql<{ item: ItemBody }>(t.http, `query($id: ID!) { item(id: $id) { ${ITEM_FIELDS} } }`, {
      variables: { id },
      bearer,
    });

  describe('item(id)', () => {
    it('answers the item as GET /items/:id does', async () => {
      const published = await createItem(t.http, alice.bearer, { status: 'published' });
      const read = await itemOf(published.id, bob.bearer);
      expect(read.errors).toEqual([]);
      expect(read.data?.item).toEqual(published);
    });

    it('hides a stranger’s draft (not_found) but shows it to its owner and an admin', async () => {
      const draft = await createItem(t.http, alice.bearer, { status: 'draft' });
      const hidden = await itemOf(draft.id, bob.bearer);
      expectGraphqlError(hidden, 'not_found');
      expect(JSON.stringify(hidden.res.body)).not.toContain(draft.title);
      expect((await itemOf(draft.id, alice.bearer)).data?.item.id).toBe(draft.id);
      const admin = await signInAdmin(t.http);
      expect((await itemOf(draft.id, admin.bearer)).data?.item.id).toBe(draft.id);
    });

    it('not_found for a missing id, validation_failed for a malformed one', async () => {
      expectGraphqlError(await itemOf(MISSING_ID, bob.bearer), 'not_found');
      const bad = expectGraphqlError(await itemOf('nope', bob.bearer), 'validation_failed');
      expect(bad.extensions.errors).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
    });

    it('token_invalid without a token, token_invalid with a forged one', async () => {
      const item = await createItem(t.http, alice.bearer, { status: 'published' });
      const anonymous = await gql(t.http, `query($id: ID!) { item(id: $id) { id } }`, {
        variables: { id: item.id },
      });
      expectGraphqlError(anonymous, 'token_invalid');
      expect(anonymous.data).toBeNull();
      expectGraphqlError(await itemOf(item.id, 'Bearer not.a.jwt'), 'token_invalid');
    });
  });

  describe('items(filter, orderBy, first, after)', () => {
    it('pages with the keyset cursor and never lists a stranger’s draft', async () => {
      const owner = await signUp(t.http);
      const made: ItemBody[] = [];
      for (let i = 0; i < 5; i += 1) {
        made.push(
          await createItem(t.http, owner.bearer, { status: i === 2 ? 'draft' : 'published' }),
        );
      }
      const page = (after: string | null, bearer: string) =>
        gql<{ items: Connection<ItemBody> }>(
          t.http,
          `query($owner: ID, $after: String) {
             items(filter: { ownerId: $owner }, orderBy: { sort: createdAt, order: asc }, first: 2, after: $after) {
               nodes { id status } pageInfo { hasNextPage endCursor }
             }
           }`,
          { variables: { owner: owner.id, after }, bearer },
        );
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const answer = await page(after, bob.bearer);
        expect(answer.errors).toEqual([]);
        const items = answer.data?.items as Connection<ItemBody>;
        seen.push(...items.nodes.map((n) => n.id));
        if (!items.pageInfo.hasNextPage) break;
        after = items.pageInfo.endCursor;
      }
      const published = made.filter((m) => m.status === 'published').map((m) => m.id);
      expect(seen).toEqual(published);
      const ownView = await page(null, owner.bearer);
      expect(ownView.data?.items.nodes.map((n) => n.id)).toEqual([made[0].id, made[1].id]);
    });

    it('edges carry a cursor per item: after one resumes right behind it', async () => {
      const owner = await signUp(t.http);
      const made: ItemBody[] = [];
      for (let i = 0; i < 4; i += 1) {
        made.push(await createItem(t.http, owner.bearer, { status: 'published', title: `t${i}` }));
      }
      const EDGES = `query($owner: ID, $after: String) {
        items(filter: { ownerId: $owner }, orderBy: { sort: title, order: asc }, after: $after) {
          edges { cursor node { id } } } }`;
      const all = await gql<{ items: { edges: Array<{ cursor: string; node: { id: string } }> } }>(
        t.http,
        EDGES,
        { variables: { owner: owner.id }, bearer: bob.bearer },
      );
      const edges = all.data?.items.edges ?? [];
      expect(edges.map((e) => e.node.id)).toEqual(made.map((m) => m.id));
      const rest = await gql<{ items: { edges: Array<{ node: { id: string } }> } }>(t.http, EDGES, {
        variables: { owner: owner.id, after: edges[1].cursor },
        bearer: bob.bearer,
      });
      expect(rest.data?.items.edges.map((e) => e.node.id)).toEqual([made[2].id, made[3].id]);
    });

    it('refuses first over 100 and a cursor it did not issue, as REST does', async () => {
      const tooMany = await gql(t.http, '{ items(first: 101) { nodes { id } } }', {
        bearer: bob.bearer,
      });
      expect(expectGraphqlError(tooMany, 'validation_failed').extensions.errors).toEqual([
        { field: 'first', message: expect.stringContaining('first') },
      ]);
      const forged = await gql(t.http, '{ items(after: "bm9wZQ") { nodes { id } } }', {
        bearer: bob.bearer,
      });
      expectGraphqlError(forged, 'invalid_cursor');
    });

    it('owner resolves the public profile of each item’s owner, nothing more', async () => {
      const owner = await signUp(t.http, { displayName: 'Owner Shown' });
      const item = await createItem(t.http, owner.bearer, { status: 'published' });
      const answer = await gql<{ item: { owner: Record<string, unknown> } }>(
        t.http,
        `query($id: ID!) { item(id: $id) { owner { id displayName } } }`,
        { variables: { id: item.id }, bearer: bob.bearer },
      );
      expect(answer.data?.item.owner).toEqual({ id: owner.id, displayName: 'Owner Shown' });
      const email = await gql(t.http, `query($id: ID!) { item(id: $id) { owner { email } } }`, {
        variables: { id: item.id },
        bearer: bob.bearer,
      });
      expectGraphqlError(email, 'validation_failed');
    });
  });

  describe('mutations', () => {
    const CREATE = `mutation($input: CreateItemInput!) { createItem(input: $input) { ${ITEM_FIELDS} } }`;
    const UPDATE = `mutation($id: ID!, $input: UpdateItemInput!, $v: Int) {
      updateItem(id: $id, input: $input, expectedVersion: $v) { id title version } }`;

    it('createItem stores the item as POST /items does (trimmed, tags normalised)', async () => {
      const created = await gql<{ createItem: ItemBody }>(t.http, CREATE, {
        variables: { input: { title: '  Hello  ', tags: ['News', 'news '], status: 'published' } },
        bearer: alice.bearer,
      });
      expect(created.errors).toEqual([]);
      const item = created.data?.createItem as ItemBody;
      expect(item).toMatchObject({ title: 'Hello', tags: ['news'], ownerId: alice.id, version: 1 });
      const rest = await t
        .http()
        .get(`/items/${item.id}`)
        .set('Authorization', alice.bearer)
        .expect(200);
      expect(rest.body).toEqual(item);
    });

    it('createItem: validation_failed with every field error', async () => {
      const answer = await gql(t.http, CREATE, {
        variables: { input: { title: ' ', body: null, tags: ['x'.repeat(41)] } },
        bearer: alice.bearer,
      });
      const error = expectGraphqlError(answer, 'validation_failed');
      const fields = (error.extensions.errors ?? []).map((e) => e.field).sort();
      expect(fields).toEqual(expect.arrayContaining(['body', 'tags', 'title']));
    });

    it('updateItem: owner changes it; a stranger gets forbidden (published) or not_found (draft)', async () => {
      const item = await createItem(t.http, alice.bearer, { status: 'published' });
      const draft = await createItem(t.http, alice.bearer, { status: 'draft' });
      const changed = await gql<{ updateItem: { version: number; title: string } }>(
        t.http,
        UPDATE,
        {
          variables: { id: item.id, input: { title: 'Changed' }, v: 1 },
          bearer: alice.bearer,
        },
      );
      expect(changed.data?.updateItem).toMatchObject({ title: 'Changed', version: 2 });
      const stranger = { input: { title: 'Mine now' } };
      expectGraphqlError(
        await gql(t.http, UPDATE, { variables: { id: item.id, ...stranger }, bearer: bob.bearer }),
        'forbidden',
      );
      expectGraphqlError(
        await gql(t.http, UPDATE, { variables: { id: draft.id, ...stranger }, bearer: bob.bearer }),
        'not_found',
      );
      const after = await t.http().get(`/items/${draft.id}`).set('Authorization', alice.bearer);
      expect((after.body as ItemBody).title).toBe(draft.title);
    });

    it('updateItem: a stale expectedVersion is precondition_failed; an empty change is refused', async () => {
      const item = await createItem(t.http, alice.bearer);
      const stale = await gql(t.http, UPDATE, {
        variables: { id: item.id, input: { title: 'x' }, v: 7 },
        bearer: alice.bearer,
      });
      expectGraphqlError(stale, 'precondition_failed');
      const empty = await gql(t.http, UPDATE, {
        variables: { id: item.id, input: {} },
        bearer: alice.bearer,
      });
      expectGraphqlError(empty, 'validation_failed');
    });

    it('deleteItem and restoreItem follow REST: owner only, item_not_deleted when live', async () => {
      const item = await createItem(t.http, alice.bearer, { status: 'published' });
      const DELETE = 'mutation($id: ID!) { deleteItem(id: $id) }';
      const RESTORE = 'mutation($id: ID!) { restoreItem(id: $id) { id version } }';
      const as = (user: SignedIn, query: string) =>
        gql(t.http, query, { variables: { id: item.id }, bearer: user.bearer });
      expectGraphqlError(await as(bob, DELETE), 'forbidden');
      expectGraphqlError(await as(alice, RESTORE), 'item_not_deleted');
      expect((await as(alice, DELETE)).data).toEqual({ deleteItem: true });
      expectGraphqlError(await itemOf(item.id, alice.bearer), 'not_found');
      expectGraphqlError(await as(bob, RESTORE), 'not_found');
      const restored = await as(alice, RESTORE);
      expect(restored.data).toEqual({ restoreItem: { id: item.id, version: 3 } });
    });
  });
});
