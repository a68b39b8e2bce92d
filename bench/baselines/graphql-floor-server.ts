import { ApolloServer, HeaderMap } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, requiredEnv, send, tokenViewer } from './baseline-server';

/**
 * The floor of the GraphQL suite (g3, g4): the same page of 20 items with their owner (g2's query)
 * and the same single item (g1's), answered from memory by Apollo Server and graphql-js alone (no
 * Nest, no Express, no database, no cache), next to the same data as REST JSON from the same
 * process. Both check the access token as Keel does.
 * What g3's GraphQL side costs beyond its REST side is what Apollo + graphql-js add to a request
 * for this query, whatever serves the data: no change in Keel can take it away.
 */
interface Item {
  id: string;
  ownerId: string;
  [field: string]: unknown;
}
interface Fixture {
  data: Item[];
  nextCursor: string | null;
  owners: Array<{ id: string; displayName: string }>;
  /** the pageInfo Keel answered for the same page */
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const fixture = JSON.parse(readFileSync(requiredEnv('FLOOR_FIXTURE'), 'utf8')) as Fixture;
const owners = new Map(fixture.owners.map((o) => [o.id, o]));
const byId = new Map(fixture.data.map((item) => [item.id, item]));

/** Keel's schema.gql for these types, as far as the query reads it. */
const typeDefs = `
  enum ItemStatus { draft published archived }
  type Owner { id: ID! displayName: String! }
  type Item {
    id: ID! ownerId: ID! title: String! body: String! tags: [String!]! status: ItemStatus!
    version: Int! createdAt: String! updatedAt: String! owner: Owner
  }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type ItemConnection { nodes: [Item!]! pageInfo: PageInfo! }
  type Query { item(id: ID!): Item! items(first: Int! = 20, after: String): ItemConnection! }
`;

const resolvers = {
  Query: {
    item: (_: unknown, args: { id: string }) => byId.get(args.id),
    items: (_: unknown, args: { first: number }) => ({
      nodes: fixture.data.slice(0, args.first),
      pageInfo: fixture.pageInfo,
    }),
  },
  // Keel's best case: the owner's profile already in this process's memory.
  Item: { owner: (item: Item) => owners.get(item.ownerId) ?? null },
};

const apollo = new ApolloServer({
  typeDefs,
  resolvers,
  csrfPrevention: true,
  allowBatchedHttpRequests: false,
  plugins: [
    ApolloServerPluginCacheControlDisabled(),
    ApolloServerPluginLandingPageDisabled(),
    ApolloServerPluginUsageReportingDisabled(),
  ],
});

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

async function main(): Promise<void> {
  await apollo.start();
  const viewer = tokenViewer();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    if (url === '/health') return send(res, 200, '{"status":"ok"}');
    if (viewer(req) === null) return send(res, 401, '{"status":401}');
    if (req.method === 'GET' && url === '/items?limit=20') {
      // Serialised per request, as Keel and graphql-js do.
      return send(res, 200, JSON.stringify({ data: fixture.data, nextCursor: fixture.nextCursor }));
    }
    const item = req.method === 'GET' ? byId.get(url.slice('/items/'.length)) : undefined;
    if (item) return send(res, 200, JSON.stringify(item));
    if (req.method !== 'POST' || url !== '/graphql') return send(res, 404, '{"status":404}');
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const answer = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: '', body: await readBody(req) },
      context: () => Promise.resolve({}),
    });
    if (answer.body.kind !== 'complete') return send(res, 500, '{"status":500}');
    send(res, answer.status ?? 200, answer.body.string);
  };
  listen(handle, () => apollo.stop());
}

void main();
