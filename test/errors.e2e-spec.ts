import { IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Response } from 'supertest';
import { buildUserInput } from './factories/user.factory';
import { signUp } from './helpers/auth';
import { expectProblem } from './helpers/expect-problem';
import { startApp, TestApp } from './helpers/test-app';
import type { Problem } from '../src/common/errors/problem';

/** Nothing internal: no stack, no ORM or driver names, no SQL, no stack frames. */
function expectNoInternals(res: Response): void {
  const text = res.text;
  expect(text).not.toMatch(/stack/i);
  expect(text).not.toContain('QueryFailedError');
  expect(text).not.toContain('SQLITE');
  expect(text).not.toContain('ER_');
  expect(text).not.toMatch(/\bat \S+ \(|\bat \/|\bat node:/);
  expect(text).not.toMatch(/INSERT INTO|UNIQUE constraint|Duplicate entry|users\.email/i);
  expect(text).not.toMatch(/\.ts:\d+|\.js:\d+|node_modules/);
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * POSTs raw bytes with node:http, bypassing supertest's serialisation. The chunks are written one by
 * one and, without a Content-Length header, go out with Transfer-Encoding: chunked.
 */
function postRaw(
  url: string,
  chunks: Array<string | Buffer>,
  headers: Record<string, string | number> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (part: string) => (text += part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

describe('errors', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  const postJson = (path: string, raw: string) =>
    t.http().post(path).set('Content-Type', 'application/json').send(raw);

  describe('problem+json for every kind of error', () => {
    it('unknown route → 404, instance is the path without the query', async () => {
      const res = await t.http().get('/no/such/route?secret=1');
      const problem = expectProblem(res, {
        status: 404,
        code: 'route_not_found',
        instance: '/no/such/route',
      });
      expect(problem.title).toBe('Not Found');
    });

    it('validation failure → 400 with errors[] of {field, message}', async () => {
      const res = await t
        .http()
        .post('/auth/register')
        .send({ email: 'not-an-email', password: 'short', displayName: 'Ok', extra: 1 });
      const problem = expectProblem(res, {
        status: 400,
        code: 'validation_failed',
        instance: '/auth/register',
      });
      const errors = problem.errors ?? [];
      expect(errors.length).toBeGreaterThanOrEqual(3);
      for (const error of errors) {
        expect(Object.keys(error).sort()).toEqual(['field', 'message']);
        expect(typeof error.field).toBe('string');
        expect(typeof error.message).toBe('string');
        expect(error.message.length).toBeGreaterThan(0);
      }
      expect(errors.map((e) => e.field)).toEqual(
        expect.arrayContaining(['email', 'password', 'extra']),
      );
      expectNoInternals(res);
    });

    it('missing token → 401 and a plain user on an admin route → 403, both problem+json', async () => {
      expectProblem(await t.http().get('/users/me'), {
        status: 401,
        code: 'token_invalid',
        instance: '/users/me',
      });
      const user = await signUp(t.http);
      expectProblem(await t.http().get('/users').set('Authorization', user.bearer), {
        status: 403,
        code: 'forbidden',
        instance: '/users',
      });
    });

    it.each([
      ['truncated', '{"email": "a@example.test", '],
      ['a stray token', '{"email": nope}'],
      ['trailing garbage', '{"email": "a@example.test"} x'],
      ['single quotes', "{'email': 'a@example.test'}"],
    ])('malformed JSON (%s) → 400 malformed_json without the parser message', async (_l, raw) => {
      const res = await postJson('/auth/register', raw);
      expectProblem(res, { status: 400, code: 'malformed_json', instance: '/auth/register' });
      expect(res.text).not.toMatch(/Unexpected (token|end|non-whitespace)/i);
      expect(res.text).not.toMatch(/JSON at position|in JSON|SyntaxError/i);
      expectNoInternals(res);
    });

    it.each([
      ['text/plain', 'hello'],
      [
        'application/x-www-form-urlencoded',
        'email=a%40example.test&password=password-1&displayName=A',
      ],
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--',
      ],
    ])('a %s body → 415', async (type, raw) => {
      const res = await t.http().post('/auth/register').set('Content-Type', type).send(raw);
      expectProblem(res, {
        status: 415,
        code: 'unsupported_media_type',
        instance: '/auth/register',
      });
    });

    it('JSON in a charset other than UTF-8 → 415', async () => {
      const res = await t
        .http()
        .post('/auth/register')
        .set('Content-Type', 'application/json; charset=latin1')
        .send(JSON.stringify(buildUserInput()));
      expectProblem(res, {
        status: 415,
        code: 'unsupported_media_type',
        instance: '/auth/register',
      });
    });

    it.each([
      ['an array', '[1, 2]'],
      ['a string', '"hello"'],
      ['null', 'null'],
      ['a number', '42'],
    ])('a JSON body that is %s → 400, not a server error', async (_l, raw) => {
      const res = await postJson('/auth/register', raw);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expectNoInternals(res);
    });
  });

  describe('hostile JSON', () => {
    it('nested 10,000 levels deep → 400 hostile_json, answered quickly', async () => {
      const depth = 10_000;
      const raw = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const started = Date.now();
      const res = await postJson('/auth/register', raw);
      const elapsed = Date.now() - started;
      expectProblem(res, { status: 400, code: 'hostile_json', instance: '/auth/register' });
      expect(elapsed).toBeLessThan(2000);
    });

    it('arrays nested 10,000 levels deep → 400 hostile_json', async () => {
      const raw = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
      const res = await postJson('/auth/login', raw);
      expectProblem(res, { status: 400, code: 'hostile_json', instance: '/auth/login' });
    });

    it.each([
      ['__proto__', '{"__proto__": {"role": "admin"}, "email": "a@example.test"}'],
      ['nested __proto__', '{"email": "a@example.test", "x": {"__proto__": {"isAdmin": true}}}'],
      ['constructor.prototype', '{"constructor": {"prototype": {"role": "admin"}}}'],
    ])('a %s key → 400 hostile_json', async (_l, raw) => {
      const res = await postJson('/auth/register', raw);
      expectProblem(res, { status: 400, code: 'hostile_json', instance: '/auth/register' });
      // Nothing leaked into the server's prototypes: the next sign-up is still a plain user.
      const next = await t.http().post('/auth/register').send(buildUserInput()).expect(201);
      expect((next.body as { role: string }).role).toBe('user');
    });
  });

  describe('request id', () => {
    it('echoes a valid X-Request-Id in the header and in the problem', async () => {
      const id = 'client-req_42.a:b';
      const res = await t.http().get('/no-such-route').set('X-Request-Id', id);
      expect(res.headers['x-request-id']).toBe(id);
      expect(
        expectProblem(res, { status: 404, code: 'route_not_found', instance: '/no-such-route' })
          .requestId,
      ).toBe(id);
    });

    it('accepts an id of exactly 64 safe characters and refuses 65', async () => {
      const ok = 'a'.repeat(64);
      const res = await t.http().get('/health/live').set('X-Request-Id', ok).expect(200);
      expect(res.headers['x-request-id']).toBe(ok);
      const long = await t.http().get('/health/live').set('X-Request-Id', `${ok}b`).expect(200);
      expect(long.headers['x-request-id']).not.toBe(`${ok}b`);
      expect(long.headers['x-request-id']).toMatch(SAFE_REQUEST_ID);
    });

    it('echoes it on successful responses too', async () => {
      const res = await t.http().get('/health/live').set('X-Request-Id', 'ok-123');
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).toBe('ok-123');
    });

    it.each([
      ['spaces', 'has some spaces'],
      ['200 characters', 'a'.repeat(200)],
      ['markup', '<script>alert(1)</script>'],
      ['quotes', 'abc"def'],
      ['empty', ''],
    ])('replaces an unsafe one (%s) with a generated id', async (_l, given) => {
      const res = await t.http().get('/no-such-route').set('X-Request-Id', given);
      const header = res.headers['x-request-id'];
      expect(header).toEqual(expect.any(String));
      expect(header).not.toBe(given);
      expect(header).toMatch(SAFE_REQUEST_ID);
      const problem = expectProblem(res, {
        status: 404,
        code: 'route_not_found',
        instance: '/no-such-route',
      });
      expect(problem.requestId).toBe(header);
      expect(res.text).not.toContain('<script>');
    });

    it('generates a different id for each request without one', async () => {
      const a = await t.http().get('/no-such-route');
      const b = await t.http().get('/no-such-route');
      const idA = a.headers['x-request-id'];
      const idB = b.headers['x-request-id'];
      expect(idA).toMatch(SAFE_REQUEST_ID);
      expect(idB).toMatch(SAFE_REQUEST_ID);
      expect(idA).not.toBe(idB);
    });
  });

  describe('no internals reach the client', () => {
    it('duplicate email → 409 problem without SQL or driver details', async () => {
      const input = buildUserInput();
      await t.http().post('/auth/register').send(input).expect(201);
      const res = await t.http().post('/auth/register').send(input);
      expectProblem(res, { status: 409, code: 'email_taken', instance: '/auth/register' });
      expectNoInternals(res);
    });

    it('concurrent registrations of one email: one 201, the rest 409, none leak', async () => {
      const input = buildUserInput();
      const results = await Promise.all(
        [0, 1, 2, 3].map(() => t.http().post('/auth/register').send(input)),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
      for (const res of results.filter((r) => r.status === 409)) {
        expectProblem(res, { status: 409, code: 'email_taken', instance: '/auth/register' });
        expectNoInternals(res);
      }
    });

    it('a validation error carries no internals either', async () => {
      const res = await t
        .http()
        .post('/auth/login')
        .send({ email: 5, password: ['x'] });
      expectProblem(res, { status: 400, code: 'validation_failed', instance: '/auth/login' });
      expectNoInternals(res);
    });
  });

  describe('security headers', () => {
    it('sends helmet headers and no x-powered-by, on success and on error', async () => {
      for (const res of [
        await t.http().get('/health/live'),
        await t.http().get('/no-such-route'),
        await postJson('/auth/register', '{oops'),
      ]) {
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toBeDefined();
        expect(res.headers['content-security-policy']).toBeDefined();
        expect(res.headers['x-powered-by']).toBeUndefined();
      }
    });
  });

  describe('CORS without configured origins', () => {
    it('allows no cross-origin caller', async () => {
      const res = await t
        .http()
        .options('/auth/login')
        .set('Origin', 'https://app.example.test')
        .set('Access-Control-Request-Method', 'POST');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});

describe('errors: body size limit (BODY_LIMIT=1kb)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ BODY_LIMIT: '1kb' });
  });
  afterAll(() => t.close());

  it('a body over the limit → 413 payload_too_large', async () => {
    const body = JSON.stringify({ ...buildUserInput(), displayName: 'x'.repeat(2048) });
    const res = await t
      .http()
      .post('/auth/register')
      .set('Content-Type', 'application/json')
      .send(body);
    expectProblem(res, { status: 413, code: 'payload_too_large', instance: '/auth/register' });
    expectNoInternals(res);
  });

  it('also when the length is not announced (chunked)', async () => {
    const chunk = JSON.stringify({ displayName: 'y'.repeat(4096) });
    const res = await postRaw(`${t.url}/auth/register`, [chunk.slice(0, 10), chunk.slice(10)]);
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((JSON.parse(res.text) as Problem).code).toBe('payload_too_large');
  });

  it('a gzip body that inflates past the limit → 413 (no decompression bomb)', async () => {
    const raw = JSON.stringify({ ...buildUserInput(), displayName: ' '.repeat(64 * 1024) });
    const packed = gzipSync(raw);
    expect(packed.length).toBeLessThan(1024);
    const res = await postRaw(`${t.url}/auth/register`, [packed], {
      'Content-Encoding': 'gzip',
      'Content-Length': packed.length,
    });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((JSON.parse(res.text) as Problem).code).toBe('payload_too_large');
  });

  it('a small gzip body is inflated and accepted', async () => {
    const packed = gzipSync(JSON.stringify(buildUserInput()));
    const res = await postRaw(`${t.url}/auth/register`, [packed], {
      'Content-Encoding': 'gzip',
      'Content-Length': packed.length,
    });
    expect(res.status).toBe(201);
  });

  it('a body under the limit is accepted', async () => {
    await t.http().post('/auth/register').send(buildUserInput()).expect(201);
  });
});

describe('errors: large bodies and CORS (BODY_LIMIT=5mb, CORS_ORIGINS set)', () => {
  const allowed = 'https://app.example.test';
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ BODY_LIMIT: '5mb', CORS_ORIGINS: allowed });
  });
  afterAll(() => t.close());

  it('an object with 20,000 keys → 400 hostile_json', async () => {
    const wide: Record<string, number> = {};
    for (let i = 0; i < 20_000; i += 1) wide[`k${i}`] = i;
    const raw = JSON.stringify(wide);
    expect(raw.length).toBeGreaterThan(100 * 1024);
    const started = Date.now();
    const res = await t
      .http()
      .post('/auth/register')
      .set('Content-Type', 'application/json')
      .send(raw);
    expectProblem(res, { status: 400, code: 'hostile_json', instance: '/auth/register' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('an array with 20,000 items → 400 hostile_json', async () => {
    const raw = JSON.stringify({ email: Array.from({ length: 20_000 }, (_, i) => i) });
    const res = await t
      .http()
      .post('/auth/login')
      .set('Content-Type', 'application/json')
      .send(raw);
    expectProblem(res, { status: 400, code: 'hostile_json', instance: '/auth/login' });
  });

  it('a preflight from the configured origin is allowed', async () => {
    const res = await t
      .http()
      .options('/auth/login')
      .set('Origin', allowed)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');
    expect(res.status).toBeLessThan(300);
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
  });

  it('a preflight from another origin gets no allow-origin header', async () => {
    const res = await t
      .http()
      .options('/auth/login')
      .set('Origin', 'https://evil.example.test')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('a simple request from the configured origin sees the request id header', async () => {
    const res = await t.http().get('/health/live').set('Origin', allowed).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
    expect(res.headers['access-control-expose-headers']).toMatch(/X-Request-Id/i);
  });
});
