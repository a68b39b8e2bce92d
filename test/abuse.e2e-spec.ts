import { JwtService } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import request, { Response } from 'supertest';
import { DataSource } from 'typeorm';
import type { Problem } from '../src/common/errors/problem';
import { encodeCursor } from '../src/common/pagination/cursor';
import { RealtimeServer } from '../src/modules/realtime/realtime-server';
import { buildUserInput } from './factories/user.factory';
import { signInAdmin, signUp, SignedIn } from './helpers/auth';
import { eventually } from './helpers/eventually';
import { createItem, ItemBody } from './helpers/items';
import { listAllItems } from './helpers/list-items';
import { dripUntilClosed } from './helpers/raw-http';
import { connectError, openSocket } from './helpers/socket';
import { startApp, TEST_ADMIN, TestApp } from './helpers/test-app';

/**
 * The abuse suite: what a hostile or careless client can throw at the API over
 * real HTTP and socket.io, and what must hold afterwards. One app per profile, with a 2 MB body
 * limit (so that a 100,000-key object is refused as hostile JSON, not for its size), a low auth
 * rate limit behind one trusted proxy hop, and short server deadlines.
 */

const BODY_LIMIT_BYTES = 2 * 1024 * 1024;
const AUTH_RATE_LIMIT = 5;
const AUTH_RATE_WINDOW = 60;
const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 3000;
/** Generous bounds: "answered quickly" and "cut soon after the deadline", not benchmarks. */
const QUICKLY_MS = 5000;
const GIVE_UP_MS = 15_000;
const ZERO_UUID = '00000000-0000-4000-8000-000000000000';

/** Values shaped like SQL injection, LIKE wildcards and escapes, NUL and astral characters. */
const INJECTIONS = [
  "' OR 1=1 --",
  "' OR '1'='1",
  '" OR ""="',
  '"; DROP TABLE items; --',
  "'; DELETE FROM users; --",
  "\\' UNION SELECT id, email, password_hash FROM users --",
  '1) OR (1=1',
  "' AND SLEEP(3) --",
  "admin'/*",
  '%',
  '_',
  '%_%',
  '\\',
  '\\%',
  '*',
  '\u0000',
  "x\u0000' OR 1=1 --",
  "\u0000' or 1=1 --",
  "😀' OR 1=1 --",
];

/** Tags the "injection" item really carries: the filter must find it by exactly these. */
const STORED_TAGS = ["' or 1=1 --", '%', '_', '\\', '"; drop table items; --'];

interface SearchPage {
  data: Array<{ item: ItemBody }>;
  total: number;
  nextCursor: string | null;
}

/**
 * A problem+json that says nothing about the query or the database. `instance` is left out: it
 * echoes the request path, which may itself be SQL-shaped.
 */
function expectNoInternals(res: Response): Problem {
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(res.text) as Problem;
  expect(JSON.stringify({ ...problem, instance: undefined })).not.toMatch(
    /SELECT|WHERE|syntax|QueryFailed|SQLITE|ER_|stack|\bat \S+ \(/i,
  );
  return problem;
}

/** A 400 problem+json (validation or cursor) that leaks nothing. */
function expectRefused(
  res: Response,
  codes: string[] = ['validation_failed', 'invalid_cursor'],
): void {
  expect(res.status).toBe(400);
  const problem = expectNoInternals(res);
  expect(problem.status).toBe(400);
  expect(codes).toContain(problem.code);
}

/** Node's collector, reachable without --expose-gc: the flag also works when set at run time. */
function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('abuse', () => {
  let t: TestApp;
  let ipSequence = 0;
  /** A fresh client address (behind the trusted proxy hop) for each call. */
  const nextIp = (): string => {
    ipSequence += 1;
    return `10.${(ipSequence >> 16) & 255}.${(ipSequence >> 8) & 255}.${ipSequence & 255}`;
  };
  /** Ordinary traffic: every request from its own address, so only brute-force tests meet limits. */
  const http = () => request.agent(t.url).set('X-Forwarded-For', nextIp());
  let owner: SignedIn;

  beforeAll(async () => {
    t = await startApp({
      BODY_LIMIT: '2mb',
      AUTH_RATE_LIMIT: String(AUTH_RATE_LIMIT),
      AUTH_RATE_WINDOW: String(AUTH_RATE_WINDOW),
      TRUST_PROXY: '1',
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
    owner = await signUp(http);
  });
  afterAll(() => t.close());

  const countRows = async (): Promise<Record<string, number>> => {
    const db = t.app.get(DataSource);
    const counts: Record<string, number> = {};
    for (const table of ['items', 'item_tags', 'users', 'refresh_tokens', 'outbox']) {
      const rows = await db.query<Array<{ n: number | string }>>(
        `SELECT COUNT(*) AS n FROM ${table}`,
      );
      counts[table] = Number(rows[0]?.n);
    }
    return counts;
  };

  const expectLive = async (): Promise<void> => {
    const res = await http().get('/health/live');
    expect(res.status).toBe(200);
  };

  describe('bodies over the limit', () => {
    it('a 3 MB JSON body → 413 payload_too_large problem+json, quickly', async () => {
      const before = await countRows();
      const body = JSON.stringify({ title: 'big', body: 'x'.repeat(3 * 1024 * 1024) });
      expect(body.length).toBeGreaterThan(BODY_LIMIT_BYTES);
      const started = Date.now();
      const res = await http()
        .post('/items')
        .set('Authorization', owner.bearer)
        .set('Content-Type', 'application/json')
        .send(body);
      expect(Date.now() - started).toBeLessThan(QUICKLY_MS);
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        status: 413,
        code: 'payload_too_large',
        instance: '/items',
      });
      expect(await countRows()).toEqual(before);
      await expectLive();
    });

    it('an announced 1 GB body → 413 at once, without waiting for the body; connection closed', async () => {
      const { host } = new URL(t.url);
      const outcome = await dripUntilClosed(t.url, {
        head:
          `POST /items HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
          `Authorization: ${owner.bearer}\r\nContent-Length: ${1024 ** 3}\r\n\r\n{"title":`,
        giveUpMs: GIVE_UP_MS,
      });
      expect(outcome.received).toMatch(/^HTTP\/1\.1 413 /);
      expect(outcome.received).toMatch(/content-type: application\/problem\+json/i);
      expect(outcome.received).toContain('"code":"payload_too_large"');
      expect(outcome.closedByServer).toBe(true);
      // Reading (and discarding) the announced body first would end in 408 at the request timeout.
      expect(outcome.elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS);
    });
  });

  describe('hostile JSON', () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const wide = `{${Array.from({ length: 100_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;

    it('both bodies are under the size limit, so the hostile-JSON guard is what refuses them', () => {
      expect(Buffer.byteLength(wide)).toBeLessThan(BODY_LIMIT_BYTES);
      expect(Buffer.byteLength(wide)).toBeGreaterThan(1024 * 1024);
      expect(Object.keys(JSON.parse(wide) as object)).toHaveLength(100_000);
      expect(Buffer.byteLength(deep)).toBeLessThan(BODY_LIMIT_BYTES);
    });

    it.each([
      ['nested 10,000 deep', deep, /nested deeper than/],
      ['with 100,000 keys', wide, /more than \d+ values/],
    ])('a body %s → 400 hostile_json, quickly, nothing stored', async (_label, raw, detail) => {
      const before = await countRows();
      const started = Date.now();
      const res = await http()
        .post('/items')
        .set('Authorization', owner.bearer)
        .set('Content-Type', 'application/json')
        .send(raw);
      expect(Date.now() - started).toBeLessThan(QUICKLY_MS);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = res.body as Problem;
      expect(problem).toMatchObject({ status: 400, code: 'hostile_json', instance: '/items' });
      expect(problem.detail).toMatch(detail);
      expect(await countRows()).toEqual(before);
    });

    it('the server keeps answering while a burst of them is in flight', async () => {
      const hostile = Array.from({ length: 8 }, (_, i) =>
        http()
          .post(i % 2 === 0 ? '/auth/login' : '/items')
          .set('Authorization', owner.bearer)
          .set('Content-Type', 'application/json')
          .send(i % 2 === 0 ? deep : wide),
      );
      const probes = Array.from({ length: 4 }, () => http().get('/health/live'));
      const [refused, live] = await Promise.all([Promise.all(hostile), Promise.all(probes)]);
      for (const res of refused) {
        expect(res.status).toBe(400);
        expect((res.body as Problem).code).toBe('hostile_json');
      }
      expect(live.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      // And real work goes on afterwards.
      const item = await createItem(http, owner.bearer, { title: 'after the burst' });
      expect(item.title).toBe('after the burst');
    });
  });

  describe('slow clients are cut by the server deadlines', () => {
    const host = '127.0.0.1';

    it('a client trickling header lines is answered 408 and closed after the headers timeout', async () => {
      const outcome = await dripUntilClosed(t.url, {
        head: `GET /health/live HTTP/1.1\r\nHost: ${host}\r\n`,
        drip: (n) => `X-Slow-${n}: ${'y'.repeat(10)}\r\n`,
        intervalMs: 150,
        giveUpMs: GIVE_UP_MS,
      });
      expect(outcome.closedByServer).toBe(true);
      expect(outcome.received).toMatch(/^HTTP\/1\.1 408 /);
      // It kept sending all along: an idle timeout alone would never have cut it.
      expect(outcome.drips).toBeGreaterThanOrEqual(3);
      expect(outcome.elapsedMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
      expect(outcome.elapsedMs).toBeLessThan(HEADERS_TIMEOUT_MS + QUICKLY_MS);
    });

    it('a client that connects and sends nothing is closed after the headers timeout', async () => {
      const outcome = await dripUntilClosed(t.url, { giveUpMs: GIVE_UP_MS });
      expect(outcome.closedByServer).toBe(true);
      // Keel's own timer closes it without a word; Node's periodic deadline check (which also sees
      // the silent connection) may get there first on a busy event loop and answer 408. Either way
      // nothing but that 408 is ever sent.
      expect(outcome.received).toMatch(
        /^(|HTTP\/1\.1 408 Request Timeout\r\nConnection: close\r\n\r\n)$/,
      );
      expect(outcome.elapsedMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
      expect(outcome.elapsedMs).toBeLessThan(HEADERS_TIMEOUT_MS + QUICKLY_MS);
    });

    it('a client trickling its body is cut after the request timeout, nothing stored', async () => {
      const before = await countRows();
      const outcome = await dripUntilClosed(t.url, {
        head:
          `POST /items HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
          `Authorization: ${owner.bearer}\r\nContent-Length: 100000\r\n\r\n{"title":"`,
        drip: () => 'z',
        intervalMs: 100,
        giveUpMs: GIVE_UP_MS,
      });
      expect(outcome.closedByServer).toBe(true);
      expect(outcome.drips).toBeGreaterThanOrEqual(10);
      expect(outcome.elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
      expect(outcome.elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + QUICKLY_MS);
      expect(outcome.received).not.toMatch(/^HTTP\/1\.1 2/);
      expect(await countRows()).toEqual(before);
    });

    it('50 slow-header clients at once do not stop others from being served, and all are cut', async () => {
      const slow = Array.from({ length: 50 }, () =>
        dripUntilClosed(t.url, {
          head: `GET /health/live HTTP/1.1\r\nHost: ${host}\r\n`,
          drip: (n) => `X-Slow-${n}: y\r\n`,
          intervalMs: 200,
          giveUpMs: GIVE_UP_MS,
        }),
      );
      await expectLive();
      await http().get('/items').set('Authorization', owner.bearer).expect(200);
      const outcomes = await Promise.all(slow);
      expect(outcomes.filter((o) => !o.closedByServer)).toEqual([]);
      await expectLive();
    });
  });

  describe('login brute force', () => {
    const attempt = (ip: string, email: string, password: string) =>
      t.http().post('/auth/login').set('X-Forwarded-For', ip).send({ email, password });

    const expectLimited = (res: Response): void => {
      expect(res.status).toBe(429);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 429, code: 'too_many_requests' });
      const retryAfter = Number(res.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(AUTH_RATE_WINDOW);
    };

    it('one address guessing across accounts → 429 with Retry-After; others unaffected', async () => {
      const ip = nextIp();
      for (let i = 0; i < AUTH_RATE_LIMIT; i += 1) {
        const res = await attempt(ip, buildUserInput().email, 'wrong-password');
        expect(res.status).toBe(401);
      }
      expectLimited(await attempt(ip, buildUserInput().email, 'wrong-password'));
      // Even the right password for a real account does not get through from that address.
      expectLimited(await attempt(ip, owner.email, owner.password));
      expect((await attempt(nextIp(), buildUserInput().email, 'wrong-password')).status).toBe(401);
    });

    it('one account guessed from many addresses → 429 with Retry-After, right password included', async () => {
      const victim = await signUp(http);
      const statuses: number[] = [];
      for (let i = 0; i <= AUTH_RATE_LIMIT; i += 1) {
        const res = await attempt(nextIp(), victim.email.toUpperCase(), `wrong-password-${i}`);
        statuses.push(res.status);
        if (res.status === 429) {
          expectLimited(res);
          break;
        }
        expect(res.status).toBe(401);
      }
      expect(statuses[statuses.length - 1]).toBe(429);
      expect(statuses.length).toBeLessThanOrEqual(AUTH_RATE_LIMIT + 1);
      expectLimited(await attempt(nextIp(), victim.email, victim.password));
    });
  });

  describe('websocket handshakes with bad tokens', () => {
    const ATTEMPTS = 1000;
    const WARM_UP = 200;
    const CONCURRENCY = 20;

    const namespace = () => {
      const ns = t.app.get(RealtimeServer).namespace;
      if (!ns) throw new Error('the /realtime namespace is not initialised');
      return ns;
    };

    /** Bad credentials of every kind; none of them may get a connection. */
    const badCredentials = (): Array<{ token?: string; header?: string }> => {
      const claims = { sub: owner.id };
      const options = {
        expiresIn: 600,
        issuer: t.config.jwt.issuer,
        audience: t.config.jwt.audience,
      };
      const wrongKey = new JwtService({ secret: randomBytes(32).toString('hex') }).sign(claims, {
        ...options,
        algorithm: 'HS256',
      });
      const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({
        ...claims,
        iss: options.issuer,
        aud: options.audience,
        exp: Math.floor(Date.now() / 1000) + 600,
      })}.`;
      const [head, payload, signature] = owner.accessToken.split('.');
      const tampered = `${head}.${b64({ sub: randomBytes(4).toString('hex') })}.${signature}`;
      expect(payload).toBeDefined();
      return [
        { token: 'garbage' },
        { token: wrongKey },
        { token: unsigned },
        { token: tampered },
        { token: `${owner.accessToken}x` },
        { token: 'a'.repeat(4096) },
        { token: "' OR 1=1 --" },
        { header: 'Bearer garbage' },
        { header: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
        {},
      ];
    };

    const attemptAll = async (count: number): Promise<Map<string, number>> => {
      const credentials = badCredentials();
      const outcomes = new Map<string, number>();
      for (let start = 0; start < count; start += CONCURRENCY) {
        const batch = Array.from({ length: Math.min(CONCURRENCY, count - start) }, (_, i) =>
          connectError(openSocket(t.url, credentials[(start + i) % credentials.length])).then(
            (error) => error.message,
            (error: Error) => `failed: ${error.message}`,
          ),
        );
        for (const message of await Promise.all(batch)) {
          outcomes.set(message, (outcomes.get(message) ?? 0) + 1);
        }
      }
      return outcomes;
    };

    it('1,000 attempts from one client: every one unauthorized, no socket kept, memory flat', async () => {
      const gc = garbageCollector();
      const ns = namespace();
      const httpServer = t.app.getHttpServer();
      const listeners = () => ({
        upgrade: httpServer.listenerCount('upgrade'),
        connection: httpServer.listenerCount('connection'),
        request: httpServer.listenerCount('request'),
        namespaceConnection: ns.listenerCount('connection'),
      });
      const settledHeapMb = async (): Promise<number> => {
        await eventually(() => expect(ns.server.engine.clientsCount).toBe(0));
        for (let i = 0; i < 3; i += 1) {
          gc();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return process.memoryUsage().heapUsed / 1024 / 1024;
      };

      const listenersBefore = listeners();
      expect(await attemptAll(WARM_UP)).toEqual(new Map([['unauthorized', WARM_UP]]));
      const heapBefore = await settledHeapMb();

      const started = Date.now();
      const outcomes = await attemptAll(ATTEMPTS);
      const elapsed = Date.now() - started;
      expect(outcomes).toEqual(new Map([['unauthorized', ATTEMPTS]]));

      const heapAfter = await settledHeapMb();
      expect(ns.sockets.size).toBe(0);
      expect(ns.server.engine.clientsCount).toBe(0);
      expect(listeners()).toEqual(listenersBefore);
      process.stdout.write(
        `[abuse] ${ATTEMPTS} bad-token handshakes in ${elapsed} ms; heap after warm-up ` +
          `${heapBefore.toFixed(1)} MB, after ${ATTEMPTS}: ${heapAfter.toFixed(1)} MB ` +
          `(${(heapAfter - heapBefore).toFixed(1)} MB)\n`,
      );
      // Loose on purpose: a leak of one engine.io socket per attempt would be tens of MB.
      expect(heapAfter - heapBefore).toBeLessThan(20);

      // The gateway still serves a good token afterwards.
      const good = openSocket(t.url, { token: owner.accessToken });
      await new Promise<void>((resolve, reject) => {
        good.once('connect', () => resolve());
        good.once('connect_error', reject);
      });
      expect(ns.sockets.size).toBe(1);
      good.close();
      await eventually(() => expect(ns.server.engine.clientsCount).toBe(0));
    }, 120_000);
  });

  describe('SQL-injection-shaped strings are data', () => {
    let viewer: SignedIn;
    let admin: SignedIn;
    let tagged: ItemBody;
    let control: ItemBody;
    let secret: ItemBody;
    /** What a non-admin may see: published items and their own, never the owner's draft. */
    const expectVisible = (item: ItemBody): void => {
      expect(item.id).not.toBe(secret.id);
      expect(item.status === 'published' || item.ownerId === viewer.id).toBe(true);
    };
    const token = `zq${randomBytes(4).toString('hex')}`;

    beforeAll(async () => {
      viewer = await signUp(http);
      admin = await signInAdmin(http);
      tagged = await createItem(http, owner.bearer, {
        title: `Robert'); DROP TABLE items; -- ${token}`,
        body: "' OR 1=1 -- UNION SELECT password_hash FROM users; %_\\",
        tags: STORED_TAGS.map((tag) => tag.toUpperCase()),
      });
      control = await createItem(http, owner.bearer, { tags: ['abc'] });
      secret = await createItem(http, owner.bearer, {
        title: `Secret draft ${token}`,
        tags: [...STORED_TAGS, 'abc'],
        status: 'draft',
      });
      const visible = (await listAllItems(http, viewer.bearer)).map((i) => i.id);
      expect(visible).toContain(tagged.id);
      expect(visible).not.toContain(secret.id);
    });

    it('the item is stored exactly as sent (tags lower-cased)', async () => {
      const res = await http().get(`/items/${tagged.id}`).set('Authorization', viewer.bearer);
      expect(res.status).toBe(200);
      const item = res.body as ItemBody;
      expect(item.title).toBe(`Robert'); DROP TABLE items; -- ${token}`);
      expect(item.body).toBe("' OR 1=1 -- UNION SELECT password_hash FROM users; %_\\");
      expect([...item.tags].sort()).toEqual([...STORED_TAGS].sort());
    });

    it.each(['tag', 'status', 'ownerId', 'sort', 'order', 'cursor', 'limit'])(
      'GET /items?%s=<each> → 200 with only matching visible rows, or 400; tables intact',
      async (param) => {
        const before = await countRows();
        for (const value of INJECTIONS) {
          const res = await http()
            .get('/items')
            .set('Authorization', viewer.bearer)
            .query({ [param]: value });
          if (res.status !== 200) {
            expectRefused(res);
            continue;
          }
          const data = (res.body as { data: ItemBody[] }).data;
          for (const item of data) {
            expectVisible(item);
            if (param === 'tag') expect(item.tags).toContain(value.trim().toLowerCase());
          }
        }
        expect(await countRows()).toEqual(before);
      },
    );

    it.each(['q', 'tag', 'status', 'ownerId', 'cursor', 'limit'])(
      'GET /search/items?%s=<each> → 200 with only matching visible rows, or 400; tables intact',
      async (param) => {
        const before = await countRows();
        for (const value of INJECTIONS) {
          const res = await http()
            .get('/search/items')
            .set('Authorization', viewer.bearer)
            .query({ [param]: value });
          if (res.status !== 200) {
            expectRefused(res);
            continue;
          }
          const page = res.body as SearchPage;
          for (const { item } of page.data) {
            expectVisible(item);
            if (param === 'tag') expect(item.tags).toContain(value.trim().toLowerCase());
          }
        }
        expect(await countRows()).toEqual(before);
      },
    );

    it('GET /search/items/suggest?q=<each> → visible titles only, no wildcard expansion', async () => {
      const before = await countRows();
      for (const value of INJECTIONS) {
        const res = await http()
          .get('/search/items/suggest')
          .set('Authorization', viewer.bearer)
          .query({ q: value });
        if (res.status !== 200) {
          expectRefused(res);
          continue;
        }
        const titles = (res.body as { data: string[] }).data;
        expect(titles).not.toContain(secret.title);
        // Nothing but punctuation (%, _, *, quotes) matches nothing: no LIKE wildcard got through.
        if (!/[\p{L}\p{N}]/u.test(value)) expect(titles).toEqual([]);
      }
      expect(await countRows()).toEqual(before);
    });

    it('the tag filter finds exactly the item carrying an injection-shaped tag', async () => {
      for (const tag of STORED_TAGS) {
        for (const asSent of [tag, tag.toUpperCase(), ` ${tag} `]) {
          const list = await http()
            .get('/items')
            .set('Authorization', viewer.bearer)
            .query({ tag: asSent })
            .expect(200);
          expect((list.body as { data: ItemBody[] }).data.map((i) => i.id)).toEqual([tagged.id]);
          const found = await http()
            .get('/search/items')
            .set('Authorization', viewer.bearer)
            .query({ tag: asSent })
            .expect(200);
          expect((found.body as SearchPage).data.map((h) => h.item.id)).toEqual([tagged.id]);
        }
      }
    });

    it('wildcard-shaped tags match no other tag (abc exists, a% and ab_ find nothing)', async () => {
      const ids = async (tag: string) =>
        (
          (
            await http()
              .get('/items')
              .set('Authorization', viewer.bearer)
              .query({ tag })
              .expect(200)
          ).body as { data: ItemBody[] }
        ).data.map((i) => i.id);
      expect(await ids('abc')).toEqual([control.id]);
      for (const tag of ['a%', 'ab_', '%bc', '_bc', '%%', 'a*', "abc' OR 'x'='x", 'abc\\']) {
        expect(await ids(tag)).toEqual([]);
      }
    });

    it('a search for the injection-shaped title finds exactly that item', async () => {
      const res = await http()
        .get('/search/items')
        .set('Authorization', viewer.bearer)
        .query({ q: tagged.title })
        .expect(200);
      expect((res.body as SearchPage).data.map((h) => h.item.id)).toEqual([tagged.id]);
      const suggest = await http()
        .get('/search/items/suggest')
        .set('Authorization', viewer.bearer)
        .query({ q: "Robert'" })
        .expect(200);
      expect((suggest.body as { data: string[] }).data).toContain(tagged.title);
    });

    it('keyset cursors carrying injection text are compared as data or refused', async () => {
      const before = await countRows();
      for (const value of INJECTIONS) {
        const asTitle = await http()
          .get('/items')
          .set('Authorization', viewer.bearer)
          .query({
            sort: 'title',
            order: 'asc',
            cursor: encodeCursor(['title', 'asc', value, ZERO_UUID]),
          });
        expect(asTitle.status).toBe(200);
        for (const item of (asTitle.body as { data: ItemBody[] }).data) expectVisible(item);

        const refusedByItems: Array<[Record<string, string>, string]> = [
          [{ sort: 'title', order: 'asc' }, encodeCursor(['title', 'asc', 'a', value])],
          [{ sort: 'title', order: 'asc' }, encodeCursor([value, 'asc', 'a', ZERO_UUID])],
          [
            { sort: 'createdAt', order: 'desc' },
            encodeCursor(['createdAt', 'desc', value, ZERO_UUID]),
          ],
          [{ sort: 'createdAt', order: 'desc' }, value],
        ];
        for (const [query, cursor] of refusedByItems) {
          expectRefused(
            await http()
              .get('/items')
              .set('Authorization', viewer.bearer)
              .query({ ...query, cursor }),
          );
        }
        for (const cursor of [encodeCursor(['relevance', value]), encodeCursor([value, 20])]) {
          expectRefused(
            await http()
              .get('/search/items')
              .set('Authorization', viewer.bearer)
              .query({ q: 'robert', cursor }),
            ['invalid_cursor'],
          );
        }
      }
      expect(await countRows()).toEqual(before);
    });

    it('admin GET /users: cursor, limit and unknown filters → 400, never rows', async () => {
      const before = await countRows();
      for (const value of INJECTIONS) {
        for (const query of [
          { cursor: value },
          { limit: value },
          { email: value },
          { role: value },
          { cursor: encodeCursor([value, ZERO_UUID]) },
        ]) {
          expectRefused(await http().get('/users').set('Authorization', admin.bearer).query(query));
        }
      }
      expect(await countRows()).toEqual(before);
    });

    it('path ids → 400, never a row and never a change', async () => {
      const before = await countRows();
      for (const value of INJECTIONS) {
        const id = encodeURIComponent(value);
        const calls = [
          http().get(`/items/${id}`).set('Authorization', viewer.bearer),
          http().patch(`/items/${id}`).set('Authorization', admin.bearer).send({ title: 'pwned' }),
          http().delete(`/items/${id}`).set('Authorization', admin.bearer),
          http().post(`/items/${id}/restore`).set('Authorization', admin.bearer),
          http().get(`/users/${id}`).set('Authorization', admin.bearer),
          http().patch(`/users/${id}`).set('Authorization', admin.bearer).send({ role: 'admin' }),
          http().delete(`/users/${id}`).set('Authorization', admin.bearer),
        ];
        for (const res of await Promise.all(calls)) {
          expect([400, 404]).toContain(res.status);
          expectNoInternals(res);
        }
      }
      expect(await countRows()).toEqual(before);
      const again = await http().get(`/items/${tagged.id}`).set('Authorization', viewer.bearer);
      expect((again.body as ItemBody).title).toBe(tagged.title);
    });

    it('sign-in with injection-shaped credentials never signs anyone in', async () => {
      for (const [email, password] of [
        [`${TEST_ADMIN.email}' --`, 'anything-1'],
        [TEST_ADMIN.email, "' OR '1'='1"],
        [TEST_ADMIN.email, "anything' OR 1=1 --"],
        ["' OR 1=1 --", 'anything-1'],
        [`"' OR 1=1 --"@example.test`, 'anything-1'],
      ]) {
        const res = await t
          .http()
          .post('/auth/login')
          .set('X-Forwarded-For', nextIp())
          .send({ email, password });
        expect([400, 401]).toContain(res.status);
        expect(res.body).not.toHaveProperty('accessToken');
      }
    });

    it('injection-shaped names and idempotency keys are stored and matched verbatim', async () => {
      const displayName = `Robert'); DROP TABLE users; -- %_\\`;
      const user = await signUp(http, { displayName });
      const me = await http().get('/users/me').set('Authorization', user.bearer).expect(200);
      expect((me.body as { displayName: string }).displayName).toBe(displayName);

      const key = `';DROP-TABLE-items;--${token}`;
      const first = await http()
        .post('/items')
        .set('Authorization', user.bearer)
        .set('Idempotency-Key', key)
        .send({ title: 'keyed' })
        .expect(201);
      const replay = await http()
        .post('/items')
        .set('Authorization', user.bearer)
        .set('Idempotency-Key', key)
        .send({ title: 'keyed' })
        .expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect((replay.body as ItemBody).id).toBe((first.body as ItemBody).id);
      // A key that differs only by a wildcard is another key.
      const other = await http()
        .post('/items')
        .set('Authorization', user.bearer)
        .set('Idempotency-Key', `${key.slice(0, -1)}%`)
        .send({ title: 'keyed' })
        .expect(201);
      expect((other.body as ItemBody).id).not.toBe((first.body as ItemBody).id);
    });
  });
});
