import type { Response } from 'supertest';
import { JwtService } from '@nestjs/jwt';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { buildUserInput } from './factories/user.factory';
import { login, signInAdmin, signUp, USER_KEYS } from './helpers/auth';
import { expectProblem } from './helpers/expect-problem';
import { startApp, TestApp } from './helpers/test-app';
import { TEST_REDIS_URL } from './helpers/test-database';
import { describeWithRedis } from './helpers/with-redis';
import type { Problem } from '../src/common/errors/problem';

/** A supertest expectation: a problem+json answer with this status and code. */
const answers =
  (status: number, code: string) =>
  (res: Response): void => {
    expectProblem(res, status, code);
  };

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('auth', () => {
  let t: TestApp;
  let secret: string;
  let issuer: string;
  let audience: string;

  beforeAll(async () => {
    t = await startApp();
    secret = t.config.jwt.secret ?? '';
    ({ issuer, audience } = t.config.jwt);
  });
  afterAll(() => t.close());

  const sign = (
    payload: object,
    options: { secret?: string; expiresIn?: number; issuer?: string; audience?: string } = {},
  ): string =>
    new JwtService().sign(payload as Record<string, unknown>, {
      secret: options.secret ?? secret,
      algorithm: 'HS256',
      ...('exp' in payload ? {} : { expiresIn: options.expiresIn ?? 300 }),
      issuer: options.issuer ?? issuer,
      audience: options.audience ?? audience,
    });

  describe('register', () => {
    it('creates a user with role "user" and returns no secret fields', async () => {
      const input = buildUserInput({ email: 'Mixed.Case@Example.TEST' });
      const res = await t.http().post('/auth/register').send(input).expect(201);
      expect(res.body).toMatchObject({
        email: 'mixed.case@example.test',
        role: 'user',
        isActive: true,
      });
      expect(Object.keys(res.body as object).sort()).toEqual(USER_KEYS);
    });

    it('rejects a role in the body and leaves the account a plain user', async () => {
      const input = buildUserInput();
      const res = await t
        .http()
        .post('/auth/register')
        .send({ ...input, role: 'admin' })
        .expect(answers(400, 'validation_failed'));
      expect(res.body).toMatchObject({ code: 'validation_failed', errors: [{ field: 'role' }] });
      await t
        .http()
        .post('/auth/login')
        .send({ email: input.email, password: input.password })
        .expect(answers(401, 'invalid_credentials'));
      await t.http().post('/auth/register').send(input).expect(201);
      const me = await login(t.http, input.email, input.password);
      const body = (await t.http().get('/users/me').set('Authorization', me.bearer).expect(200))
        .body as { role: string };
      expect(body.role).toBe('user');
    });

    it('answers 409 for an email that exists, compared case-insensitively', async () => {
      const input = buildUserInput();
      await t.http().post('/auth/register').send(input).expect(201);
      const res = await t
        .http()
        .post('/auth/register')
        .send({ ...input, email: input.email.toUpperCase() })
        .expect(answers(409, 'email_taken'));
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 409, code: 'email_taken' });
    });

    it.each([
      ['7 characters', 'a'.repeat(7)],
      ['129 characters', 'a'.repeat(129)],
    ])('enforces the password policy (%s)', async (_label, password) => {
      const res = await t
        .http()
        .post('/auth/register')
        .send(buildUserInput({ password }))
        .expect(answers(400, 'validation_failed'));
      expect(
        (res.body as { errors: Array<{ field: string }> }).errors.map((e) => e.field),
      ).toContain('password');
    });

    it('accepts passwords of exactly 8 and 128 characters', async () => {
      await t
        .http()
        .post('/auth/register')
        .send(buildUserInput({ password: 'b'.repeat(8) }))
        .expect(201);
      await t
        .http()
        .post('/auth/register')
        .send(buildUserInput({ password: 'c'.repeat(128) }))
        .expect(201);
    });

    it('rejects a missing body with 400, not 500', async () => {
      const res = await t.http().post('/auth/register').expect(answers(400, 'validation_failed'));
      expect(res.body).toMatchObject({ code: 'validation_failed' });
    });
  });

  describe('login', () => {
    it('gives the same answer for an unknown email and a wrong password', async () => {
      const user = await signUp(t.http);
      const wrong = await t
        .http()
        .post('/auth/login')
        .send({ email: user.email, password: 'not-the-password' })
        .expect(answers(401, 'invalid_credentials'));
      const unknown = await t
        .http()
        .post('/auth/login')
        .send({ email: 'nobody@example.test', password: 'not-the-password' })
        .expect(answers(401, 'invalid_credentials'));
      const strip = (p: Problem): Partial<Problem> => ({ ...p, requestId: undefined });
      expect(strip(wrong.body as Problem)).toEqual(strip(unknown.body as Problem));
      expect((wrong.body as Problem).code).toBe('invalid_credentials');
    });

    it('sets the refresh cookie httpOnly, SameSite=Strict, scoped to /auth', async () => {
      const input = buildUserInput();
      await t.http().post('/auth/register').send(input).expect(201);
      const res = await t
        .http()
        .post('/auth/login')
        .send({ email: input.email, password: input.password })
        .expect(200);
      const cookie = ([] as string[])
        .concat(res.headers['set-cookie'] ?? [])
        .find((c) => c.startsWith('keel_refresh='));
      expect(cookie).toBeDefined();
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
      expect(cookie).toMatch(/Path=\/auth/i);
      expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    });
  });

  describe('access tokens', () => {
    let user: Awaited<ReturnType<typeof signUp>>;
    beforeAll(async () => {
      user = await signUp(t.http);
    });

    const me = (token: string) => t.http().get('/users/me').set('Authorization', `Bearer ${token}`);

    it('accepts a valid token', async () => {
      await me(user.accessToken).expect(200);
    });

    it('requires a token on routes not marked public', async () => {
      const res = await t.http().get('/users/me').expect(answers(401, 'token_invalid'));
      expect(res.body).toMatchObject({ code: 'token_invalid', status: 401 });
    });

    it('answers token_expired for an expired token', async () => {
      const expired = sign({ sub: user.id, exp: Math.floor(Date.now() / 1000) - 10 });
      const res = await me(expired).expect(answers(401, 'token_expired'));
      expect((res.body as Problem).code).toBe('token_expired');
    });

    it('refuses a token signed with another key', async () => {
      const forged = sign({ sub: user.id }, { secret: randomBytes(32).toString('hex') });
      await me(forged).expect(answers(401, 'token_invalid'));
    });

    it('refuses alg "none"', async () => {
      const now = Math.floor(Date.now() / 1000);
      const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: user.id, iss: issuer, aud: audience, iat: now, exp: now + 300 })}.`;
      await me(none).expect(answers(401, 'token_invalid'));
    });

    it('refuses a wrong audience or issuer', async () => {
      await me(sign({ sub: user.id }, { audience: 'someone-else' })).expect(
        answers(401, 'token_invalid'),
      );
      await me(sign({ sub: user.id }, { issuer: 'someone-else' })).expect(
        answers(401, 'token_invalid'),
      );
    });

    it('refuses a token without exp', async () => {
      const noExp = new JwtService().sign(
        { sub: user.id },
        { secret, algorithm: 'HS256', issuer, audience },
      );
      await me(noExp).expect(answers(401, 'token_invalid'));
    });

    it('never reads the token from the query string', async () => {
      await t
        .http()
        .get(`/users/me?access_token=${user.accessToken}`)
        .expect(answers(401, 'token_invalid'));
    });

    it('refuses a well-signed token for a user that does not exist', async () => {
      await me(sign({ sub: '00000000-0000-4000-8000-000000000000' })).expect(
        answers(401, 'token_invalid'),
      );
    });
  });

  describe('refresh tokens', () => {
    it('rotates: each refresh returns a new token and a working access token', async () => {
      const user = await signUp(t.http);
      const res = await t
        .http()
        .post('/auth/refresh')
        .send({ refreshToken: user.refreshToken })
        .expect(200);
      const body = res.body as { accessToken: string; refreshToken: string };
      expect(body.refreshToken).not.toBe(user.refreshToken);
      await t
        .http()
        .get('/users/me')
        .set('Authorization', `Bearer ${body.accessToken}`)
        .expect(200);
    });

    it('on reuse of a used token revokes the whole family', async () => {
      const user = await signUp(t.http);
      const first = await t
        .http()
        .post('/auth/refresh')
        .send({ refreshToken: user.refreshToken })
        .expect(200);
      const next = (first.body as { refreshToken: string }).refreshToken;

      const reuse = await t
        .http()
        .post('/auth/refresh')
        .send({ refreshToken: user.refreshToken })
        .expect(answers(401, 'refresh_token_invalid'));
      expect((reuse.body as Problem).code).toBe('refresh_token_invalid');
      // The legitimate successor is now dead too: the thief and the victim both must sign in again.
      await t
        .http()
        .post('/auth/refresh')
        .send({ refreshToken: next })
        .expect(answers(401, 'refresh_token_invalid'));
    });

    it('reuse does not end the user’s other sessions', async () => {
      const user = await signUp(t.http);
      const other = await login(t.http, user.email, user.password);
      await t.http().post('/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200);
      await t
        .http()
        .post('/auth/refresh')
        .send({ refreshToken: user.refreshToken })
        .expect(answers(401, 'refresh_token_invalid'));
      await t.http().post('/auth/refresh').send({ refreshToken: other.refreshToken }).expect(200);
    });

    it('works from the httpOnly cookie and sets a rotated cookie', async () => {
      const input = buildUserInput();
      await t.http().post('/auth/register').send(input).expect(201);
      const loginRes = await t
        .http()
        .post('/auth/login')
        .send({ email: input.email, password: input.password })
        .expect(200);
      const cookie =
        ([] as string[]).concat(loginRes.headers['set-cookie'] ?? [])[0]?.split(';')[0] ?? '';
      const res = await t.http().post('/auth/refresh').set('Cookie', cookie).expect(200);
      const rotated =
        ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0]?.split(';')[0] ?? '';
      expect(rotated).toMatch(/^keel_refresh=/);
      expect(rotated).not.toBe(cookie);
    });

    it('answers 401 for an unknown or missing refresh token', async () => {
      await t
        .http()
        .post('/auth/refresh')
        .send({ refreshToken: randomBytes(32).toString('base64url') })
        .expect(answers(401, 'refresh_token_invalid'));
      await t.http().post('/auth/refresh').send({}).expect(answers(401, 'refresh_token_invalid'));
    });

    it('two concurrent refreshes with one token: exactly one succeeds', async () => {
      const user = await signUp(t.http);
      const results = await Promise.all(
        [0, 1, 2].map(() =>
          t.http().post('/auth/refresh').send({ refreshToken: user.refreshToken }),
        ),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    });
  });

  describe('logout', () => {
    it('logout ends the session of the presented token', async () => {
      const user = await signUp(t.http);
      await t.http().post('/auth/logout').send({ refreshToken: user.refreshToken }).expect(204);
      await t
        .http()
        .post('/auth/refresh')
        .send({ refreshToken: user.refreshToken })
        .expect(answers(401, 'refresh_token_invalid'));
    });

    it('logout-all ends every session and needs an access token', async () => {
      const user = await signUp(t.http);
      const second = await login(t.http, user.email, user.password);
      await t.http().post('/auth/logout-all').expect(answers(401, 'token_invalid'));
      await t.http().post('/auth/logout-all').set('Authorization', user.bearer).expect(204);
      await t
        .http()
        .post('/auth/refresh')
        .send({ refreshToken: user.refreshToken })
        .expect(answers(401, 'refresh_token_invalid'));
      await t
        .http()
        .post('/auth/refresh')
        .send({ refreshToken: second.refreshToken })
        .expect(answers(401, 'refresh_token_invalid'));
    });
  });

  describe('ending sessions', () => {
    it('logout-all also refuses access tokens issued before it', async () => {
      const user = await signUp(t.http);
      await new Promise((r) => setTimeout(r, 1100)); // iat has one-second resolution
      await t.http().post('/auth/logout-all').set('Authorization', user.bearer).expect(204);
      await t
        .http()
        .get('/users/me')
        .set('Authorization', user.bearer)
        .expect(answers(401, 'token_invalid'));
      const fresh = await login(t.http, user.email, user.password);
      await t.http().get('/users/me').set('Authorization', fresh.bearer).expect(200);
    });

    it('a password change ends every session, access and refresh', async () => {
      const user = await signUp(t.http);
      const other = await login(t.http, user.email, user.password);
      await new Promise((r) => setTimeout(r, 1100));
      await t
        .http()
        .patch('/users/me')
        .set('Authorization', user.bearer)
        .send({ currentPassword: user.password, password: 'a-brand-new-password' })
        .expect(200);
      await t
        .http()
        .get('/users/me')
        .set('Authorization', other.bearer)
        .expect(answers(401, 'token_invalid'));
      await t
        .http()
        .post('/auth/refresh')
        .send({ refreshToken: other.refreshToken })
        .expect(answers(401, 'refresh_token_invalid'));
      await login(t.http, user.email, 'a-brand-new-password');
    });
  });

  describe('deactivated user', () => {
    it('loses access at once, cannot refresh and cannot sign in', async () => {
      const admin = await signInAdmin(t.http);
      const user = await signUp(t.http);
      await t
        .http()
        .patch(`/users/${user.id}`)
        .set('Authorization', admin.bearer)
        .send({ isActive: false })
        .expect(200);

      await t
        .http()
        .get('/users/me')
        .set('Authorization', user.bearer)
        .expect(answers(401, 'token_invalid'));
      await t
        .http()
        .post('/auth/refresh')
        .send({ refreshToken: user.refreshToken })
        .expect(answers(401, 'refresh_token_invalid'));
      await t
        .http()
        .post('/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(answers(401, 'invalid_credentials'));

      await t
        .http()
        .patch(`/users/${user.id}`)
        .set('Authorization', admin.bearer)
        .send({ isActive: true })
        .expect(200);
      await login(t.http, user.email, user.password);
    });
  });
});

describe('auth rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ AUTH_RATE_LIMIT: '3', AUTH_RATE_WINDOW: '60', TRUST_PROXY: '1' });
  });
  afterAll(() => t.close());

  it('limits login per IP with 429, Retry-After and problem+json', async () => {
    const ip = '203.0.113.10';
    for (let i = 0; i < 3; i += 1) {
      await t
        .http()
        .post('/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ email: `x${i}@example.test`, password: 'whatever1' })
        .expect(answers(401, 'invalid_credentials'));
    }
    const res = await t
      .http()
      .post('/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ email: 'y@example.test', password: 'whatever1' })
      .expect(answers(429, 'too_many_requests'));
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).toMatchObject({ status: 429, code: 'too_many_requests' });
    // Another client is not affected.
    await t
      .http()
      .post('/auth/login')
      .set('X-Forwarded-For', '203.0.113.11')
      .send({ email: 'y@example.test', password: 'whatever1' })
      .expect(answers(401, 'invalid_credentials'));
  });

  it('limits login per email across IPs', async () => {
    const email = 'target@example.test';
    for (let i = 0; i < 3; i += 1) {
      await t
        .http()
        .post('/auth/login')
        .set('X-Forwarded-For', `198.51.100.${i}`)
        .send({ email, password: 'whatever1' })
        .expect(answers(401, 'invalid_credentials'));
    }
    await t
      .http()
      .post('/auth/login')
      .set('X-Forwarded-For', '198.51.100.99')
      .send({ email: email.toUpperCase(), password: 'whatever1' })
      .expect(answers(429, 'too_many_requests'));
  });

  it('limits register per IP', async () => {
    const ip = '192.0.2.50';
    for (let i = 0; i < 3; i += 1) {
      await t
        .http()
        .post('/auth/register')
        .set('X-Forwarded-For', ip)
        .send(buildUserInput())
        .expect(201);
    }
    await t
      .http()
      .post('/auth/register')
      .set('X-Forwarded-For', ip)
      .send(buildUserInput())
      .expect(answers(429, 'too_many_requests'));
  });
});

describeWithRedis('auth rate limits shared through Redis', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const shared = {
      AUTH_RATE_LIMIT: '3',
      TRUST_PROXY: '1',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `keel-test-rl-${randomBytes(4).toString('hex')}:`,
    };
    a = await startApp(shared);
    b = await startApp(shared, a.infra);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('two API processes count the same client together', async () => {
    const ip = '203.0.113.77';
    const attempt = (t: TestApp) =>
      t
        .http()
        .post('/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ email: 'rl@example.test', password: 'whatever1' });
    expect((await attempt(a)).status).toBe(401);
    expect((await attempt(b)).status).toBe(401);
    expect((await attempt(a)).status).toBe(401);
    const blocked = await attempt(b);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('auth with an RS256 key pair', () => {
  let t: TestApp;
  let publicPem: string;
  beforeAll(async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    t = await startApp({
      JWT_ALGORITHM: 'RS256',
      JWT_SECRET: '',
      JWT_PRIVATE_KEY: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      JWT_PUBLIC_KEY: publicPem,
    });
  });
  afterAll(() => t.close());

  it('signs with the private key and verifies with the public key', async () => {
    const user = await signUp(t.http);
    const header = JSON.parse(
      Buffer.from(user.accessToken.split('.')[0] ?? '', 'base64url').toString(),
    ) as { alg: string };
    expect(header.alg).toBe('RS256');
    await t.http().get('/users/me').set('Authorization', user.bearer).expect(200);
  });

  it('refuses an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const user = await signUp(t.http);
    const forged = new JwtService().sign(
      { sub: user.id },
      {
        secret: publicPem,
        algorithm: 'HS256',
        expiresIn: 300,
        issuer: t.config.jwt.issuer,
        audience: t.config.jwt.audience,
      },
    );
    await t
      .http()
      .get('/users/me')
      .set('Authorization', `Bearer ${forged}`)
      .expect(answers(401, 'token_invalid'));
  });
});
