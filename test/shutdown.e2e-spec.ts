import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createConnection } from 'mysql2/promise';
import request from 'supertest';
import { signUp } from './helpers/auth';
import { FakeElasticsearchServer } from './helpers/fake-elasticsearch-server';
import { connectSocket, request as ack, type TestSocket } from './helpers/socket';
import { testEnv } from './helpers/test-app';
import { provisionInfra, type TestInfra } from './helpers/test-database';
import { buildItemInput } from './factories/item.factory';

/**
 * SIGTERM under load, to Keel running as its own process (src/main.ts through ts-node, so the test
 * needs no build and never touches dist/): 20 keep-alive clients write and read, a socket listens,
 * and on the MariaDB profile index jobs go through Bull to an Elasticsearch stand-in that answers
 * slowly (so jobs are active when the signal comes).
 */
const root = join(__dirname, '..');
const CLIENTS = 20;
const GRACE_MS = 20_000;
/** Writes that must have succeeded before the signal, so it lands in the middle of the load. */
const WRITES_BEFORE_SIGNAL = 60;

interface Outcome {
  method: string;
  path: string;
  status?: number;
  contentType?: string;
  body?: string;
  /** Set when the request failed without a complete response. */
  error?: string;
  /** Whether it went out on a kept-alive connection (else on a new one). */
  reused?: boolean;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One request, read to the end; a response cut short (or no response) is an error outcome. */
function send(
  agent: Agent,
  port: number,
  options: { method: string; path: string; token: string; body?: unknown },
): Promise<Outcome> {
  const { method, path } = options;
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: {
          authorization: `Bearer ${options.token}`,
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('aborted', () => resolve({ method, path, error: 'response aborted' }));
        res.on('error', (e) => resolve({ method, path, error: `response: ${e.message}` }));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const expected = res.headers['content-length'];
          if (expected !== undefined && Number(expected) !== Buffer.byteLength(body)) {
            resolve({ method, path, error: `short body ${Buffer.byteLength(body)}/${expected}` });
            return;
          }
          resolve({
            method,
            path,
            status: res.statusCode,
            contentType: res.headers['content-type'],
            body,
          });
        });
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ method, path, error: e.code ?? e.message, reused: req.reusedSocket }),
    );
    req.end(payload);
  });
}

describe('graceful shutdown (SIGTERM under load)', () => {
  let infra: TestInfra;
  let es: FakeElasticsearchServer | null = null;
  let child: ChildProcess;
  let output = '';
  let port: number;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  beforeAll(async () => {
    infra = await provisionInfra();
    port = await freePort();
    const extra: Record<string, string> = {};
    if (infra.profile === 'mariadb') {
      es = new FakeElasticsearchServer();
      es.bulkDelayMs = 150;
      await es.start();
      extra.ELASTICSEARCH_NODE = es.url;
    }
    const env = testEnv(infra, {
      ...extra,
      HOST: '127.0.0.1',
      PORT: String(port),
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      OUTBOX_SWEEP_MS: '200',
      LOG_LEVEL: 'warn',
      TS_NODE_PROJECT: join(root, 'tsconfig.json'),
      PATH: process.env.PATH ?? '',
    });
    child = spawn(
      process.execPath,
      ['-r', require.resolve('ts-node/register/transpile-only'), join(root, 'src', 'main.ts')],
      // Its own directory: a developer's .env in the repository cannot leak in.
      { cwd: infra.env.DATA_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Keel did not start:\n${output}`)), 90_000);
      const check = (): void => {
        if (!output.includes('Keel listening')) return;
        clearTimeout(timer);
        resolve();
      };
      child.stdout?.on('data', check);
      void exited.then(() => reject(new Error(`Keel exited at boot:\n${output}`)));
    });
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await es?.stop();
    await infra?.cleanup();
  });

  it('finishes every request it took, tells and closes sockets, loses nothing and exits 0 in the grace period', async () => {
    const url = `http://127.0.0.1:${port}`;
    const user = await signUp(() => request(url));
    const socket: TestSocket = await connectSocket(url, user.accessToken);
    expect(await ack(socket.socket, 'feed:subscribe')).toEqual({ ok: true });
    const disconnected = new Promise<string>((resolve) =>
      socket.socket.once('disconnect', (reason) => resolve(reason)),
    );

    const outcomes: Outcome[] = [];
    const created: string[] = [];
    let signalled = false;
    let signalSent: () => void = () => undefined;
    const enoughWrites = new Promise<void>((resolve) => (signalSent = resolve));

    const client = async (n: number): Promise<void> => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let i = 0; ; i++) {
          const kind = (n + i) % 4;
          const last = created[created.length - 1];
          const options =
            kind === 0 || kind === 2 || !last
              ? { method: 'POST', path: '/items', token: user.accessToken, body: buildItemInput() }
              : kind === 1
                ? { method: 'GET', path: `/items/${last}`, token: user.accessToken }
                : { method: 'GET', path: '/health/ready', token: user.accessToken };
          const outcome = await send(agent, port, options);
          outcomes.push(outcome);
          if (outcome.status === 201) {
            created.push((JSON.parse(outcome.body ?? '{}') as { id: string }).id);
            if (created.length >= WRITES_BEFORE_SIGNAL) signalSent();
          }
          // New connections are refused once the server has stopped listening: this client is done.
          if (outcome.error !== undefined) return;
          if (signalled && child.exitCode !== null) return;
        }
      } finally {
        agent.destroy();
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));

    await enoughWrites;
    signalled = true;
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const { code, signal } = await exited;
    const tookMs = Date.now() - signalledAt;
    await load;

    // Exit 0, within the grace period (the one timed assertion: the grace period is the contract).
    expect({ code, signal, output: code === 0 ? '' : output }).toEqual({
      code: 0,
      signal: null,
      output: '',
    });
    expect(tookMs).toBeLessThan(GRACE_MS);
    expect(output).toContain('"event":"shutdown.completed"');

    // Every request either got a complete response (2xx, or a clean 503 problem+json from
    // readiness) or was refused on a new connection (refused, or reset by the kernel because it
    // was still in the accept backlog when the listener closed); none was cut off, and none sent
    // on a kept-alive connection went unanswered.
    const refused = (o: Outcome): boolean =>
      o.error === 'ECONNREFUSED' || (o.error === 'ECONNRESET' && o.reused === false);
    const failures = outcomes.filter((o) => o.error !== undefined && !refused(o));
    expect(failures).toEqual([]);
    const bad = outcomes.filter(
      (o) =>
        o.error === undefined &&
        !(
          (o.status !== undefined && o.status >= 200 && o.status < 300) ||
          (o.status === 503 && (o.contentType ?? '').startsWith('application/problem+json'))
        ),
    );
    expect(bad).toEqual([]);
    for (const o of outcomes)
      if (o.body) expect(() => JSON.parse(o.body ?? '') as unknown).not.toThrow();

    // The socket was told, then its connection closed (so socket.io-client would reconnect).
    expect(socket.received.map((r) => r.event)).toContain('server:shutdown');
    expect(await disconnected).toBe('transport close');

    // Every acknowledged write is stored with its outbox row, dispatched or still pending.
    const { items, outbox } = await readDatabase(infra, created);
    expect(items.sort()).toEqual([...created].sort());
    expect(outbox.map((r) => r.aggregateId).sort()).toEqual([...created].sort());

    if (infra.profile === 'mariadb' && es) {
      const redis = new Redis(infra.env.REDIS_URL ?? '', { maxRetriesPerRequest: 1 });
      try {
        const keyOf = (k: string): string => `${infra.env.REDIS_KEY_PREFIX}bull:search-index:${k}`;
        expect(await redis.llen(keyOf('active'))).toBe(0);
        const waiting = new Set([
          ...(await redis.lrange(keyOf('wait'), 0, -1)),
          ...(await redis.zrange(keyOf('delayed'), 0, -1)),
        ]);
        // A dispatched row became a job: it was indexed, or it waits in the queue for the next process.
        const lost = outbox.filter(
          (r) =>
            r.dispatched &&
            (es?.versions.get(r.aggregateId) ?? 0) < r.version &&
            !waiting.has(`${r.aggregateId}:${r.version}`),
        );
        expect(lost).toEqual([]);
        expect(outbox.filter((r) => r.dispatched).length).toBeGreaterThan(0);
      } finally {
        await redis.quit();
      }
    }
    process.stdout.write(
      `shutdown.e2e-spec (${infra.profile}): ${outcomes.filter((o) => o.error === undefined).length} responses, ` +
        `${outcomes.filter(refused).length} refused new connections, ${created.length} items created, ` +
        `exit ${code} ${tookMs} ms after SIGTERM\n`,
    );
    socket.socket.close();
  }, 120_000);
});

interface OutboxState {
  aggregateId: string;
  version: number;
  dispatched: boolean;
}

async function readDatabase(
  infra: TestInfra,
  ids: string[],
): Promise<{ items: string[]; outbox: OutboxState[] }> {
  const wanted = new Set(ids);
  if (infra.profile === 'sqlite') {
    const db = new Database(infra.env.SQLITE_PATH ?? '', { readonly: true });
    try {
      const items = db.prepare('SELECT id FROM items').all() as Array<{ id: string }>;
      const outbox = db
        .prepare('SELECT aggregate_id, version, dispatched_at FROM outbox')
        .all() as Array<{ aggregate_id: string; version: number; dispatched_at: string | null }>;
      return {
        items: items.map((r) => r.id).filter((id) => wanted.has(id)),
        outbox: outbox
          .filter((r) => wanted.has(r.aggregate_id))
          .map((r) => ({
            aggregateId: r.aggregate_id,
            version: Number(r.version),
            dispatched: r.dispatched_at !== null,
          })),
      };
    } finally {
      db.close();
    }
  }
  const conn = await createConnection(
    (infra.env.DATABASE_URL ?? '').replace(/^mariadb:/, 'mysql:'),
  );
  try {
    const [items] = await conn.query('SELECT id FROM items');
    const [outbox] = await conn.query('SELECT aggregate_id, version, dispatched_at FROM outbox');
    return {
      items: (items as Array<{ id: string }>).map((r) => r.id).filter((id) => wanted.has(id)),
      outbox: (
        outbox as Array<{ aggregate_id: string; version: number; dispatched_at: Date | null }>
      )
        .filter((r) => wanted.has(r.aggregate_id))
        .map((r) => ({
          aggregateId: r.aggregate_id,
          version: Number(r.version),
          dispatched: r.dispatched_at !== null,
        })),
    };
  } finally {
    await conn.end();
  }
}
