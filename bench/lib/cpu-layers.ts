import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeapInspector } from './inspector-heap';
import { isRecord } from './http';

/** Microseconds between two CPU samples: fine enough for a path of a few hundred µs. */
const SAMPLING_INTERVAL_US = 100;

const NODE_CORE = 'Node core (http, net, streams, timers, async hooks)';

/** A layer of the request path and the files its frames come from (first match wins). */
interface LayerRule {
  layer: string;
  test: (url: string) => boolean;
}

const pkg = (...names: string[]): ((url: string) => boolean) => {
  const marks = names.map((n) => `/node_modules/${n}/`);
  return (url) => marks.some((m) => url.includes(m));
};
/** Keel's own compiled files (dist/ of the repository, not a package's dist/). */
const keel = (...dirs: string[]): ((url: string) => boolean) => {
  const marks = dirs.map((d) => `/dist/${d}`);
  return (url) => !url.includes('/node_modules/') && marks.some((m) => url.includes(m));
};

const RULES: LayerRule[] = [
  {
    layer: 'auth (Keel verifier, @nestjs/jwt, jsonwebtoken, crypto)',
    test: (url) =>
      keel('modules/auth/')(url) ||
      pkg('@nestjs/jwt', 'jsonwebtoken', 'jws', 'jwa', 'ecdsa-sig-formatter', 'semver')(url) ||
      url.startsWith('node:internal/crypto'),
  },
  {
    layer: 'logging (pino, pino-http, nestjs-pino)',
    test: (url) =>
      keel('common/logging')(url) ||
      pkg(
        'pino',
        'pino-http',
        'nestjs-pino',
        'sonic-boom',
        'fast-redact',
        'pino-std-serializers',
        'quick-format-unescaped',
        'safe-stable-stringify',
        'thread-stream',
      )(url),
  },
  {
    layer: 'cache (AppCache, near cache, keyv, cache-manager)',
    test: (url) =>
      keel('cache/')(url) ||
      pkg('keyv', 'cache-manager', '@nestjs/cache-manager', 'hookified')(url),
  },
  {
    layer: 'Redis client (ioredis)',
    test: pkg('ioredis', 'redis-parser', 'denque', 'standard-as-callback', 'cluster-key-slot'),
  },
  {
    layer: 'ORM (TypeORM, Keel repositories)',
    test: (url) =>
      pkg('typeorm')(url) ||
      keel('database/')(url) ||
      /\/dist\/modules\/[^/]+\/[^/]+\.repository\.js/.test(url),
  },
  {
    layer: 'database driver (mysql2, better-sqlite3)',
    test: pkg(
      'mysql2',
      'better-sqlite3',
      'sqlstring',
      'named-placeholders',
      'lru.min',
      'long',
      'seq-queue',
      'generate-function',
    ),
  },
  {
    layer: 'validation (class-validator, class-transformer)',
    test: pkg('class-validator', 'class-transformer', 'validator', 'libphonenumber-js'),
  },
  {
    layer: 'metrics (prom-client)',
    test: (url) => keel('modules/metrics/')(url) || pkg('prom-client', 'tdigest', 'bintrees')(url),
  },
  // GraphQL's layers come before Nest's pipeline: the resolver wrapper is a file of @nestjs/core.
  { layer: 'graphql-js (parse, validate, execute, serialise)', test: pkg('graphql') },
  {
    layer: 'Apollo Server (request pipeline, plugins, caches)',
    test: (url) => url.includes('/node_modules/@apollo/') || pkg('lru-cache', 'negotiator')(url),
  },
  {
    layer: 'GraphQL Armor (cost, depth, aliases)',
    test: (url) => url.includes('/node_modules/@escape.tech/'),
  },
  {
    layer: 'Nest GraphQL (driver, resolver wrapping: ExternalContextCreator, params)',
    test: (url) =>
      pkg('@nestjs/graphql', '@nestjs/apollo')(url) ||
      url.includes('/node_modules/@nestjs/core/helpers/external-'),
  },
  { layer: 'DataLoader', test: pkg('dataloader') },
  {
    layer: 'Keel GraphQL (resolvers, models, scalars, plugins)',
    test: (url) =>
      keel('modules/graphql/', 'common/graphql/')(url) ||
      /\/dist\/modules\/[^/]+\/graphql\//.test(url),
  },
  {
    layer: 'Nest pipeline (router, guards, interceptors, pipes, rxjs)',
    test: pkg(
      '@nestjs/core',
      '@nestjs/common',
      '@nestjs/platform-express',
      '@nestjs/throttler',
      'rxjs',
      'reflect-metadata',
      'tslib',
    ),
  },
  {
    layer: 'Express and its middleware (helmet, cors, body parser, etag)',
    test: pkg(
      'express',
      'router',
      'body-parser',
      'raw-body',
      'finalhandler',
      'send',
      'serve-static',
      'on-finished',
      'helmet',
      'cors',
      'qs',
      'content-type',
      'type-is',
      'accepts',
      'negotiator',
      'mime-types',
      'mime-db',
      'path-to-regexp',
      'cookie',
      'vary',
      'depd',
      'statuses',
      'http-errors',
      'parseurl',
      'encodeurl',
      'escape-html',
      'etag',
      'fresh',
      'range-parser',
      'proxy-addr',
      'forwarded',
      'debug',
      'iconv-lite',
      'content-disposition',
      'merge-descriptors',
      'media-typer',
      'utils-merge',
      'setprototypeof',
      'safe-buffer',
    ),
  },
  { layer: 'Keel (controllers, services, common)', test: keel('') },
  { layer: NODE_CORE, test: (url) => url.startsWith('node:') },
];

const GC = 'GC';
const PROGRAM = 'V8 and native, unattributed ((program))';
const SERIALIZATION = 'JSON (stringify/parse, any caller)';
const OTHER = 'other dependencies';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface LayerFigure {
  layer: string;
  /** CPU ms per request spent in this layer's own frames */
  msPerRequest: number;
}

export interface LayerProfile {
  requests: number;
  /** sampled main-thread CPU per request (every layer, idle excluded) */
  sampledMsPerRequest: number;
  layers: LayerFigure[];
  /** the packages behind 'other dependencies', most expensive first */
  otherPackages: string[];
  /** the Node core modules behind that layer, most expensive first */
  nodeCoreModules: string[];
}

/**
 * CPU profile of a Keel process over `run`, through the DevTools inspector it was started with
 * (`--inspect=127.0.0.1:<port>`). Each sample's time goes to the layer of the frame it was taken in
 * (its own time, not its callees'), judged by the frame's file; frames without a file (V8
 * builtins) take the layer of their nearest caller that has one, except JSON.stringify/parse,
 * which are counted as serialization whoever calls them. Time the process spent idle is left out.
 */
export async function profileLayers<T extends { requests: number }>(
  inspectPort: number,
  run: (startProfiling: () => void) => Promise<T>,
): Promise<{ result: T; profile: LayerProfile }> {
  const session = await HeapInspector.connect(inspectPort);
  try {
    await session.call('Profiler.enable');
    await session.call('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    const profiling: { started?: Promise<unknown> } = {};
    const result = await run(() => {
      profiling.started = session.call('Profiler.start');
    });
    if (!profiling.started) throw new Error('the run never started the profiler');
    await profiling.started;
    const stopped = await session.call('Profiler.stop');
    const profile = isRecord(stopped) ? stopped.profile : undefined;
    if (!isRecord(profile)) throw new Error('Profiler.stop returned no profile');
    // BENCH_PROFILE_DIR: the raw profile too, for a look by function (Chrome DevTools, or a script).
    const dir = process.env.BENCH_PROFILE_DIR;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${Date.now()}.cpuprofile`), JSON.stringify(profile));
    }
    return { result, profile: summarise(profile, result.requests) };
  } finally {
    session.close();
  }
}

function summarise(profile: Record<string, unknown>, requests: number): LayerProfile {
  const nodes = profile.nodes as ProfileNode[];
  const samples = profile.samples as number[];
  const deltas = profile.timeDeltas as number[];
  const byId = new Map<number, ProfileNode>(nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const layerOf = new Map<number, string | null>();
  const classify = (id: number): string | null => {
    const known = layerOf.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    let layer: string | null = null;
    if (node) {
      const { functionName, url } = node.callFrame;
      if (functionName === '(idle)' || functionName === '(root)') layer = null;
      else if (functionName === '(garbage collector)') layer = GC;
      else if (functionName === '(program)') layer = PROGRAM;
      else if (url === '' && (functionName === 'stringify' || functionName === 'parse'))
        layer = SERIALIZATION;
      else if (url === '') {
        const up = parent.get(id);
        layer = up === undefined ? PROGRAM : (classify(up) ?? PROGRAM);
      } else layer = RULES.find((r) => r.test(url))?.layer ?? OTHER;
    }
    layerOf.set(id, layer);
    return layer;
  };

  const usByLayer = new Map<string, number>();
  const otherUs = new Map<string, number>();
  const coreUs = new Map<string, number>();
  for (let i = 0; i < samples.length; i += 1) {
    // timeDeltas[i + 1] is the time from sample i to the next one: the time sample i stands for.
    const us = deltas[i + 1] ?? 0;
    const id = samples[i] ?? -1;
    const layer = classify(id);
    if (layer === null) continue;
    usByLayer.set(layer, (usByLayer.get(layer) ?? 0) + us);
    const breakdown = layer === OTHER ? otherUs : layer === NODE_CORE ? coreUs : null;
    if (breakdown) {
      const name = packageOf(byId.get(id)?.callFrame.url ?? '');
      breakdown.set(name, (breakdown.get(name) ?? 0) + us);
    }
  }
  const perRequest = (us: number): number => (requests > 0 ? us / 1000 / requests : 0);
  const total = [...usByLayer.values()].reduce((a, b) => a + b, 0);
  return {
    requests,
    sampledMsPerRequest: perRequest(total),
    layers: [...usByLayer.entries()]
      .map(([layer, us]) => ({ layer, msPerRequest: perRequest(us) }))
      .sort((a, b) => b.msPerRequest - a.msPerRequest),
    otherPackages: top(otherUs, perRequest),
    nodeCoreModules: top(coreUs, perRequest),
  };
}

function top(usByName: Map<string, number>, perRequest: (us: number) => number): string[] {
  return [...usByName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, us]) => `${name} ${perRequest(us).toFixed(3)} ms`);
}

function packageOf(url: string): string {
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  return match?.[1] ?? url;
}

/** The per-layer table of one profiled scenario, as text lines. */
export function formatLayers(
  title: string,
  p: LayerProfile,
  measuredCpuMs: number | null,
): string[] {
  const width = Math.max(...p.layers.map((l) => l.layer.length), 24);
  const lines = [
    `${title}: CPU per request by layer (inspector profile, ${p.requests} requests, ` +
      `sampled ${p.sampledMsPerRequest.toFixed(3)} ms` +
      (measuredCpuMs === null ? '' : `; /proc says ${measuredCpuMs.toFixed(3)} ms, all threads`) +
      ')',
  ];
  for (const l of p.layers) {
    const share = p.sampledMsPerRequest > 0 ? (100 * l.msPerRequest) / p.sampledMsPerRequest : 0;
    lines.push(
      `  ${l.layer.padEnd(width)}  ${l.msPerRequest.toFixed(3).padStart(7)} ms  ${share.toFixed(0).padStart(3)} %`,
    );
  }
  if (p.nodeCoreModules.length > 0) lines.push(`  (Node core: ${p.nodeCoreModules.join(', ')})`);
  if (p.otherPackages.length > 0) lines.push(`  (other: ${p.otherPackages.join(', ')})`);
  return lines;
}
