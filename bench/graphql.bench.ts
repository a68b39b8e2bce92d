import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { layersOf, seedItems } from './items.bench';
import { isRecord, requestJson } from './lib/http';
import { startBaseline } from './lib/baseline';
import { JWT_AUDIENCE, JWT_ISSUER, KeelProcess, signUp, startKeel } from './lib/keel';
import { measure } from './lib/load';
import type { LoadSpec, Measurement } from './lib/load';
import { positiveInt } from './lib/settings';
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

async function graphql(url: string, token: string, body: object): Promise<unknown> {
  const res = await requestJson(`${url}/graphql`, {
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
  const { gqlRun, restRun, rounds } = await alternate(ctx, {
    id: input.id,
    gql: { spec: gqlSpec, label: `GraphQL: ${input.title}` },
    rest: { spec: restSpec, label: `REST: GET ${input.restPath}` },
  });
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
      notes: [
        `baseline: Keel's own REST route GET ${input.restPath}, same process, same run`,
        ...rounds,
      ],
    }),
    layers,
  };
}

/**
 * GraphQL and REST measured in turn, BENCH_GRAPHQL_ROUNDS times (default 3): on a machine shared
 * with other work, a load that comes and goes hits both sides alike. The round with the median
 * ratio is the scenario's figure; every round's ratio is printed beside it.
 */
async function alternate(
  ctx: SuiteContext,
  input: {
    id: string;
    gql: { spec: LoadSpec; label: string };
    rest: { spec: LoadSpec; label: string };
  },
): Promise<{ gqlRun: Measurement; restRun: Measurement; rounds: string[] }> {
  const count = positiveInt('BENCH_GRAPHQL_ROUNDS', 3, 20);
  const runs: Array<{ gql: Measurement; rest: Measurement; ratio: number }> = [];
  for (let round = 1; round <= count; round += 1) {
    progress(`${input.id}) round ${round}/${count}, Keel ${input.gql.label}`);
    const gql = await measure(input.gql.spec, ctx.settings);
    progress(`${input.id}) round ${round}/${count}, Keel ${input.rest.label}`);
    const rest = await measure(input.rest.spec, ctx.settings);
    runs.push({ gql, rest, ratio: gql.requestsPerSecond / Math.max(rest.requestsPerSecond, 1) });
  }
  const median = [...runs].sort((a, b) => a.ratio - b.ratio)[Math.floor((runs.length - 1) / 2)];
  if (!median) throw new Error('no round measured');
  const cpu = (m: Measurement): string => m.serverCpuMsPerRequest?.toFixed(2) ?? '?';
  return {
    gqlRun: median.gql,
    restRun: median.rest,
    rounds: [
      `rounds (req/s GraphQL vs REST, ratio, CPU ms/request): ` +
        runs
          .map(
            (r) =>
              `${r.gql.requestsPerSecond.toFixed(0)} vs ${r.rest.requestsPerSecond.toFixed(0)} ` +
              `${r.ratio.toFixed(2)} (${cpu(r.gql)} vs ${cpu(r.rest)})`,
          )
          .join('; '),
    ],
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
    const viaGraphql = await graphql(keel.url, token, { query: ITEM_QUERY, variables: { id } });
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
      const page = await graphql(keel.url, token, { query: PAGE_QUERY });
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
    results.push(...(await floors(ctx, keel, token)));
    return results;
  } finally {
    await keel.child.stop();
  }
}

/** One floor scenario: a GraphQL body and the REST path that answer the same data. */
interface FloorCase {
  id: string;
  title: string;
  body: object;
  restPath: string;
  /** Keel's answer to `body`, which the floor server must repeat exactly */
  expected: unknown;
}

/**
 * g3 and g4, the floor: g2's and g1's queries and REST reads answered from memory by Apollo
 * Server + graphql-js alone and by plain JSON, from one process
 * (bench/baselines/graphql-floor-server.ts), with the data Keel just served. Their CPU per request,
 * GraphQL minus REST, is what Apollo and graphql-js cost for these queries in any server; no goal,
 * the rows explain g2's and g1's.
 */
async function floors(
  ctx: SuiteContext,
  keel: KeelProcess,
  token: string,
): Promise<ScenarioResult[]> {
  const wanted = ['g3', 'g4'].filter((id) => wants(ctx.settings, id));
  if (wanted.length === 0) return [];
  const rest = await requestJson(`${keel.url}/items?limit=20`, { token, expect: [200] });
  const page = await graphql(keel.url, token, { query: PAGE_QUERY });
  const items = isRecord(page) && isRecord(page.items) ? page.items : null;
  const nodes: unknown = items?.nodes;
  if (!isRecord(rest.body) || !items || !Array.isArray(nodes)) {
    throw new Error('no page to serve from memory');
  }
  const owners = nodes.flatMap((n: unknown) =>
    isRecord(n) && isRecord(n.owner) ? [{ id: n.ownerId, displayName: n.owner.displayName }] : [],
  );
  const first: unknown = Array.isArray(rest.body.data) ? rest.body.data[0] : undefined;
  const itemId = isRecord(first) && typeof first.id === 'string' ? first.id : null;
  if (!itemId) throw new Error('no item to serve from memory');
  const itemBody = { query: ITEM_QUERY, variables: { id: itemId } };
  const fixture = join(ctx.infra.scratchDir, 'graphql-floor.json');
  writeFileSync(fixture, JSON.stringify({ ...rest.body, owners, pageInfo: items.pageInfo }));
  const cases: FloorCase[] = [
    {
      id: 'g3',
      title: 'floor: g2 from memory, Apollo + graphql-js alone vs plain JSON',
      body: { query: PAGE_QUERY },
      restPath: '/items?limit=20',
      expected: page,
    },
    {
      id: 'g4',
      title: 'floor: g1 from memory, Apollo + graphql-js alone vs plain JSON',
      body: itemBody,
      restPath: `/items/${itemId}`,
      expected: await graphql(keel.url, token, itemBody),
    },
  ];
  const server = await startBaseline({
    name: 'graphql-floor',
    script: 'graphql-floor-server.ts',
    env: {
      FLOOR_FIXTURE: fixture,
      JWT_SECRET: ctx.infra.jwtSecret,
      JWT_ISSUER,
      JWT_AUDIENCE,
    },
    settings: ctx.settings,
  });
  ctx.cleanup.add('stop the GraphQL floor server', () => server.child.stop());
  try {
    const spec = { url: server.url, serverPid: server.child.pid };
    const results: ScenarioResult[] = [];
    for (const c of cases.filter((x) => wanted.includes(x.id))) {
      const viaFloor = await graphql(server.url, token, c.body);
      if (!isDeepStrictEqual(viaFloor, c.expected)) {
        throw new Error(
          `the floor server's answer differs from Keel's: ${JSON.stringify(viaFloor)}`,
        );
      }
      const { gqlRun, restRun, rounds } = await alternate(ctx, {
        id: c.id,
        gql: {
          label: 'floor GraphQL: Apollo + graphql-js from memory',
          spec: {
            ...spec,
            title: `floor graphql ${c.id}`,
            method: 'POST',
            path: '/graphql',
            headers: { ...bearer(token), 'content-type': 'application/json' },
            body: JSON.stringify(c.body),
          },
        },
        rest: {
          label: 'floor REST: the same data as JSON from memory',
          spec: { ...spec, title: `floor rest ${c.id}`, path: c.restPath, headers: bearer(token) },
        },
      });
      results.push(
        scenarioResult({
          id: c.id,
          title: c.title,
          keel: gqlRun,
          baseline: restRun,
          notes: [
            'no Nest, Express, database or cache: what Apollo + graphql-js add to this query',
            ...rounds,
          ],
        }),
      );
    }
    return results;
  } finally {
    await server.child.stop();
  }
}

export const graphqlSuite: BenchSuite = { name: 'graphql', run: runGraphql };
