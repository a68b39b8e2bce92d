import { DataSource } from 'typeorm';
import { signInAdmin, signUp, SignedIn } from '../helpers/auth';
import { gql } from '../helpers/graphql';
import { createItem } from '../helpers/items';
import { startApp, TestApp } from '../helpers/test-app';

const PAGE = `query($owner: ID, $first: Int!) {
  items(first: $first, filter: { ownerId: $owner }) { nodes { id owner { id displayName } } }
}`;

interface Node {
  id: string;
  owner: { id: string; displayName: string } | null;
}

/**
 * Item.owner through the per-request DataLoader and the owner profile cache: a page of items with
 * their owners costs the same SQL statements whatever its size (one for the page, one for all the
 * owners not cached yet, none for those that are), and a changed display name shows at once.
 */
describe('GraphQL DataLoader: statements per page', () => {
  let t: TestApp;
  let viewer: SignedIn;
  const statements: string[] = [];

  beforeAll(async () => {
    t = await startApp();
    viewer = await signUp(t.http);
    // Every statement the app sends, whichever driver runs it.
    const runner = t.app.get(DataSource).createQueryRunner();
    const proto = Object.getPrototypeOf(runner) as { query: (sql: string) => Promise<unknown> };
    await runner.release();
    const original = proto.query;
    jest.spyOn(proto, 'query').mockImplementation(function (this: unknown, ...args: unknown[]) {
      statements.push(String(args[0]));
      return (original as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t.close();
  });

  /** `count` published items, newest last, spread over `owners` new users. */
  const itemsOfNewOwners = async (owners: number, count: number): Promise<SignedIn[]> => {
    const users: SignedIn[] = [];
    for (let i = 0; i < owners; i += 1) users.push(await signUp(t.http));
    for (let i = 0; i < count; i += 1) {
      await createItem(t.http, users[i % owners].bearer, { status: 'published' });
    }
    return users;
  };

  /**
   * One page and the reads of items and users its request sent: leaving out what background tasks
   * send meanwhile (the outbox relay's polling, periodic clean-ups: the spy sees every statement),
   * transaction control (MySQL reads a keyset page in a transaction) and the access token's account
   * check (cached for CACHE_TTL_SECONDS, so it may run again between two pages).
   */
  const page = async (variables: {
    first: number;
    owner?: string;
  }): Promise<{ nodes: Node[]; sql: string[] }> => {
    statements.length = 0;
    const answer = await gql<{ items: { nodes: Node[] } }>(t.http, PAGE, {
      variables,
      bearer: viewer.bearer,
    });
    expect(answer.errors).toEqual([]);
    const nodes = answer.data?.items.nodes ?? [];
    expect(nodes).toHaveLength(variables.first);
    expect(nodes.every((n) => n.owner !== null)).toBe(true);
    const sql = statements.filter(
      (s) =>
        /^\s*SELECT[\s\S]*FROM\s+[`"]?(items|users)[`"]?/i.test(s) &&
        !/WHERE[\s\S]*isActive/i.test(s),
    );
    return { nodes, sql };
  };

  it('costs the same statements for 50 items as for 5, owners loaded in one statement', async () => {
    // The newest items, by owners no request has read yet: their profiles are not cached.
    await itemsOfNewOwners(5, 50);
    const fifty = await page({ first: 50 });
    await itemsOfNewOwners(5, 5);
    const five = await page({ first: 5 });
    // The page, then every owner at once.
    expect(fifty.sql).toHaveLength(2);
    expect(five.sql).toHaveLength(2);
    expect(fifty.sql[0]).toMatch(/FROM\s+[`"]?items[`"]?/i);
    expect(fifty.sql[1]).toMatch(/FROM\s+[`"]?users[`"]?/i);
  });

  it('reads owners already loaded from the cache: the page is the only statement', async () => {
    const owners = await itemsOfNewOwners(4, 12);
    const cold = await page({ first: 12 });
    expect(cold.sql).toHaveLength(2);
    const warm = await page({ first: 12 });
    expect(warm.sql).toHaveLength(1);
    expect(warm.sql[0]).toMatch(/FROM\s+[`"]?items[`"]?/i);
    expect(warm.nodes.map((n) => n.owner?.id).sort()).toEqual(
      cold.nodes.map((n) => n.owner?.id).sort(),
    );
    expect(new Set(warm.nodes.map((n) => n.owner?.id))).toEqual(new Set(owners.map((o) => o.id)));
  });

  it("shows a changed display name at once, the owner's own change and the admin's", async () => {
    const [owner] = await itemsOfNewOwners(1, 2);
    const namesOnPage = async (): Promise<string[]> =>
      (await page({ first: 2, owner: owner.id })).nodes.map((n) => n.owner?.displayName ?? '');
    // Read once, so the profile is cached before each change.
    await namesOnPage();
    await t
      .http()
      .patch('/users/me')
      .set('Authorization', owner.bearer)
      .send({ displayName: 'Renamed by owner' })
      .expect(200);
    expect(await namesOnPage()).toEqual(['Renamed by owner', 'Renamed by owner']);

    const admin = await signInAdmin(t.http);
    await t
      .http()
      .patch(`/users/${owner.id}`)
      .set('Authorization', admin.bearer)
      .send({ displayName: 'Renamed by admin' })
      .expect(200);
    expect(await namesOnPage()).toEqual(['Renamed by admin', 'Renamed by admin']);
  });
});
