import { DataSource } from 'typeorm';
import { signUp, SignedIn } from '../helpers/auth';
import { gql } from '../helpers/graphql';
import { createItem } from '../helpers/items';
import { startApp, TestApp } from '../helpers/test-app';

const PAGE = `query($owner: ID, $first: Int!) {
  items(first: $first, filter: { ownerId: $owner }) { nodes { id owner { id displayName } } }
}`;

/**
 * Item.owner through the per-request DataLoader: a page of items with their owners costs the same
 * SQL statements whatever its size (one for the page, one for all the owners).
 */
describe('GraphQL DataLoader: statements per page', () => {
  let t: TestApp;
  let viewer: SignedIn;
  let owners: SignedIn[];
  const statements: string[] = [];

  beforeAll(async () => {
    t = await startApp();
    viewer = await signUp(t.http);
    owners = [];
    for (let i = 0; i < 5; i += 1) owners.push(await signUp(t.http));
    for (let i = 0; i < 50; i += 1) {
      await createItem(t.http, owners[i % owners.length].bearer, { status: 'published' });
    }
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

  /**
   * The queries one request sent: leaving out the outbox relay's polling in the background and
   * transaction control (MySQL reads a keyset page in a transaction).
   */
  const statementsOf = async (first: number): Promise<string[]> => {
    statements.length = 0;
    const answer = await gql<{ items: { nodes: Array<{ owner: { id: string } }> } }>(t.http, PAGE, {
      variables: { first },
      bearer: viewer.bearer,
    });
    expect(answer.errors).toEqual([]);
    expect(answer.data?.items.nodes).toHaveLength(first);
    expect(answer.data?.items.nodes.every((n) => n.owner !== null)).toBe(true);
    return statements.filter(
      (sql) =>
        !/outbox/i.test(sql) && !/^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SET )/i.test(sql),
    );
  };

  it('costs the same statements for 50 items as for 5, owners loaded in one statement', async () => {
    const five = await statementsOf(5);
    const fifty = await statementsOf(50);
    expect(fifty.length).toBe(five.length);
    // The page, then every owner at once.
    expect(fifty).toHaveLength(2);
    expect(fifty[0]).toMatch(/FROM\s+[`"]?items[`"]?/i);
    expect(fifty[1]).toMatch(/FROM\s+[`"]?users[`"]?/i);
  });
});
