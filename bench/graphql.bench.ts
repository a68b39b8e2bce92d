import { isDeepStrictEqual } from 'node:util';
import { layersOf, seedItems } from './items.bench';
import { isRecord, requestJson } from './lib/http';
import { KeelProcess, signUp, startKeel } from './lib/keel';
import { measure } from './lib/load';
import type { LoadSpec } from './lib/load';
import { progress } from './lib/log';
import { BenchSuite, scenarioResult, SuiteContext, wants } from './lib/suite';
import type { ScenarioResult } from './lib/table';

/** GraphQL's req/s as a share of REST's for the same data (bench/README.md, GraphQL suite). */
const GOAL = 0.7;
const ITEMS = 100;

const ITEM_FIELDS = 'id ownerId title body tags status version createdAt updatedAt';
const ITEM_QUERY = `query ($id: ID!) { item(id: $id) { ${ITEM_FIELDS} } }`;
const PAGE_QUERY = `{ items(first: 20) { nodes { ${ITEM_FIELDS} owner { displayName } } pageInfo { hasNextPage endCursor } } }`;

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

async function graphql(keel: KeelProcess, token: string, body: object): Promise<unknown> {
  const res = await requestJson(`${keel.url}/graphql`, {
    method: 'POST',
    token,
    body,
    expect: [200],
  });
  if (!isRecord(res.body) || res.body.errors !== undefined) {
    throw new Error(`GraphQL answered errors: ${JSON.stringify(res.body)}`);
  }
  return res.body.data;
}

/** One measured pair: GraphQL (POST /graphql) against REST (GET) on the same Keel process. */
async function pair(
  ctx: SuiteContext,
  keel: KeelProcess,
  input: { id: string; title: string; token: string; restPath: string; body: object },
): Promise<ScenarioResult> {
  const common = { url: keel.url, serverPid: keel.child.pid };
  const gqlSpec: LoadSpec = {
    ...common,
    title: `graphql ${input.id}`,
    method: 'POST',
    path: '/graphql',
    headers: { ...bearer(input.token), 'content-type': 'application/json' },
    body: JSON.stringify(input.body),
  };
  const restSpec: LoadSpec = {
    ...common,
    title: `rest ${input.id}`,
    path: input.restPath,
    headers: bearer(input.token),
  };
  progress(`${input.id}) Keel GraphQL: ${input.title}`);
  const gqlRun = await measure(gqlSpec, ctx.settings);
  progress(`${input.id}) Keel REST: GET ${input.restPath}`);
  const restRun = await measure(restSpec, ctx.settings);
  // With BENCH_LAYERS naming the scenario: both sides profiled again, layer by layer.
  const gqlLayers = await layersOf(ctx, input.id, keel, gqlSpec);
  const restLayers = await layersOf(ctx, input.id, keel, restSpec);
  const layers = gqlLayers && restLayers ? [...gqlLayers, ...restLayers] : undefined;
  return {
    ...scenarioResult({
      id: input.id,
      title: input.title,
      keel: gqlRun,
      baseline: restRun,
      goal: GOAL,
      notes: [`baseline: Keel's own REST route GET ${input.restPath}, same process, same run`],
    }),
    layers,
  };
}

async function runGraphql(ctx: SuiteContext): Promise<ScenarioResult[]> {
  const keel = await startKeel({
    name: 'keel',
    infra: ctx.infra,
    settings: ctx.settings,
    redisKeyPrefix: ctx.infra.redisKeyPrefix,
    cacheTtlSeconds: 3600,
    workers: 'inline',
    inspect: ctx.settings.layers.some((id) => id === 'g1' || id === 'g2'),
  });
  ctx.cleanup.add('stop Keel', () => keel.child.stop());
  try {
    const author = await signUp(keel.url, 'gql-author', ctx.runId);
    const reader = await signUp(keel.url, 'gql-reader', ctx.runId);
    const ids = await seedItems(keel, author.accessToken, ITEMS);
    const id = ids[0];
    if (!id) throw new Error('no items seeded');
    const token = reader.accessToken;
    const results: ScenarioResult[] = [];

    // Same data: GraphQL's item is REST's JSON field for field (and warms the item cache).
    const rest = await requestJson(`${keel.url}/items/${id}`, { token, expect: [200] });
    const viaGraphql = await graphql(keel, token, { query: ITEM_QUERY, variables: { id } });
    if (!isRecord(viaGraphql) || !isDeepStrictEqual(viaGraphql.item, rest.body)) {
      throw new Error(`GraphQL item differs from REST's: ${JSON.stringify(viaGraphql)}`);
    }
    if (wants(ctx.settings, 'g1')) {
      results.push(
        await pair(ctx, keel, {
          id: 'g1',
          title: 'item(id) vs GET /items/:id, warm cache',
          token,
          restPath: `/items/${id}`,
          body: { query: ITEM_QUERY, variables: { id } },
        }),
      );
    }
    if (wants(ctx.settings, 'g2')) {
      const page = await graphql(keel, token, { query: PAGE_QUERY });
      const nodes = isRecord(page) && isRecord(page.items) ? page.items.nodes : null;
      if (!Array.isArray(nodes) || nodes.length !== 20) {
        throw new Error(`items(first: 20) returned ${JSON.stringify(page).slice(0, 200)}`);
      }
      results.push(
        await pair(ctx, keel, {
          id: 'g2',
          title: 'items(first: 20) { owner { displayName } } vs GET /items?limit=20',
          token,
          restPath: '/items?limit=20',
          body: { query: PAGE_QUERY },
        }),
      );
    }
    return results;
  } finally {
    await keel.child.stop();
  }
}

export const graphqlSuite: BenchSuite = { name: 'graphql', run: runGraphql };
