import { JwtService } from '@nestjs/jwt';
import { Secret, TOTP } from 'otpauth';
import type { Response } from 'supertest';
import { ALL_ERROR_CODES, ERROR_CODES, ErrorCode } from '../src/common/errors/error-codes';
import { buildUserInput } from './factories/user.factory';
import { SignedIn, signInAdmin, signUp } from './helpers/auth';
import { eventually } from './helpers/eventually';
import { expectProblem } from './helpers/expect-problem';
import { createItem, etagOf, MISSING_ID } from './helpers/items';
import { startApp, TestApp } from './helpers/test-app';

const METRICS_TOKEN = 'metrics-token-for-the-error-codes-suite';

/**
 * Codes this file does not provoke over HTTP, and where they are proven instead. Every other code
 * of ERROR_CODES must be answered by a test below (the last test checks it).
 */
const PROVEN_ELSEWHERE: Partial<Record<ErrorCode, string>> = {
  bad_request: 'problem-details.filter.spec.ts: a 4xx HttpException with no code of its own',
  conflict: 'problem-details.filter.spec.ts: a unique violation no service gave a code',
  payload_too_large: 'errors.e2e-spec.ts and abuse.e2e-spec.ts (body limit)',
  too_many_requests: 'abuse.e2e-spec.ts and auth.e2e-spec.ts (an app with a low AUTH_RATE_LIMIT)',
  internal: 'problem-details.filter.spec.ts: an unknown error',
  service_unavailable: 'test/faults (database cut) and problem-details.filter.spec.ts',
  query_too_complex:
    'test/graphql/graphql-limits.e2e-spec.ts (GraphQL only: depth, cost, aliases, tokens)',
  email_not_verified:
    'test/accounts/account-limits.e2e-spec.ts (an app with AUTH_REQUIRE_VERIFIED_EMAIL=true)',
  two_factor_required:
    'test/auth/auth-two-factor.e2e-spec.ts (GraphQL only: login of an account with two-factor on)',
};

/**
 * Two requests race only where the driver yields between a request's read and its write. With
 * SQLite (a synchronous driver) each request runs to its commit before the next one is read, so
 * those races are provoked on the MariaDB run of this file.
 */
const RACES_INTERLEAVE = process.env.KEEL_TEST_PROFILE === 'mariadb';
const itWhenRacesInterleave = RACES_INTERLEAVE ? it : it.skip;
const PROVEN_BY_RACES: Partial<Record<ErrorCode, string>> = RACES_INTERLEAVE
  ? {}
  : {
      item_version_conflict: 'this file on e2e:mariadb',
      reindex_already_active: 'this file on e2e:mariadb, and search-reindex.e2e-spec.ts',
    };

describe('every domain error answers its own code', () => {
  let t: TestApp;
  let admin: SignedIn;
  let owner: SignedIn;
  let other: SignedIn;
  const seen = new Set<string>();

  beforeAll(async () => {
    t = await startApp({ METRICS_TOKEN });
    admin = await signInAdmin(t.http);
    owner = await signUp(t.http);
    other = await signUp(t.http);
  });
  afterAll(() => t.close());

  /** Asserts status (from the table) and code, and records the code as proven. */
  function expectCode(res: Response, code: ErrorCode): void {
    expectProblem(res, ERROR_CODES[code].status, code);
    seen.add(code);
  }

  const as = (user: SignedIn) => ({
    get: (path: string) => t.http().get(path).set('Authorization', user.bearer),
    post: (path: string) => t.http().post(path).set('Authorization', user.bearer),
    patch: (path: string) => t.http().patch(path).set('Authorization', user.bearer),
    delete: (path: string) => t.http().delete(path).set('Authorization', user.bearer),
  });

  describe('requests', () => {
    it('validation_failed: a field breaks its rule', async () => {
      expectCode(await as(owner).post('/items').send({ title: '' }), 'validation_failed');
    });

    it('malformed_json, hostile_json, unsupported_media_type: bodies refused before validation', async () => {
      const post = () => as(owner).post('/items').set('Content-Type', 'application/json');
      expectCode(await post().send('{"title": '), 'malformed_json');
      expectCode(await post().send('{"title":"x","__proto__":{"admin":true}}'), 'hostile_json');
      expectCode(
        await as(owner).post('/items').set('Content-Type', 'text/plain').send('title=x'),
        'unsupported_media_type',
      );
    });

    it('invalid_cursor: a cursor this API did not issue', async () => {
      expectCode(await as(owner).get('/items').query({ cursor: 'not-a-cursor' }), 'invalid_cursor');
    });

    it('route_not_found: no route for this path', async () => {
      expectCode(await t.http().get('/no-such-route'), 'route_not_found');
    });
  });

  describe('authentication and roles', () => {
    it('token_invalid: no bearer token', async () => {
      expectCode(await t.http().get('/users/me'), 'token_invalid');
    });

    it('token_expired: an access token past its exp', async () => {
      const { secret, issuer, audience } = t.config.jwt;
      const expired = new JwtService().sign(
        { sub: owner.id, exp: Math.floor(Date.now() / 1000) - 10 },
        { secret: secret ?? '', algorithm: 'HS256', issuer, audience },
      );
      expectCode(
        await t.http().get('/users/me').set('Authorization', `Bearer ${expired}`),
        'token_expired',
      );
    });

    it('invalid_credentials: a wrong password', async () => {
      const res = await t
        .http()
        .post('/auth/login')
        .send({ email: owner.email, password: 'not-the-password' });
      expectCode(res, 'invalid_credentials');
    });

    it('refresh_token_invalid: a refresh token this API did not issue', async () => {
      const res = await t
        .http()
        .post('/auth/refresh')
        .send({ refreshToken: 'x'.repeat(43) });
      expectCode(res, 'refresh_token_invalid');
    });

    it('unauthorized: GET /metrics without the metrics token', async () => {
      expectCode(await t.http().get('/metrics'), 'unauthorized');
    });

    it('forbidden: a user on an admin route, and on another user’s item', async () => {
      expectCode(await as(owner).get('/users'), 'forbidden');
      const item = await createItem(t.http, owner.bearer, { status: 'published' });
      expectCode(await as(other).patch(`/items/${item.id}`).send({ title: 'Mine' }), 'forbidden');
    });
  });

  describe('accounts', () => {
    it('account_token_invalid: a verification token nobody issued', async () => {
      const token = 'A'.repeat(43);
      expectCode(
        await t.http().post('/auth/verify-email').send({ token }),
        'account_token_invalid',
      );
    });
  });

  describe('users', () => {
    it('not_found: an unknown user id', async () => {
      expectCode(await as(admin).get(`/users/${MISSING_ID}`), 'not_found');
    });

    it('email_taken: registering an email that has an account', async () => {
      const input = buildUserInput();
      await t.http().post('/auth/register').send(input).expect(201);
      const again = { ...input, email: input.email.toUpperCase() };
      expectCode(await t.http().post('/auth/register').send(again), 'email_taken');
    });

    it('validation_failed on currentPassword: a password change with the wrong current one', async () => {
      const res = await as(owner)
        .patch('/users/me')
        .send({ password: 'a-new-password', currentPassword: 'not-the-password' });
      expectCode(res, 'validation_failed');
      expect((res.body as { errors: Array<{ field: string }> }).errors).toEqual([
        expect.objectContaining({ field: 'currentPassword' }),
      ]);
    });

    it('cannot_change_own_admin_access: an admin demoting or deleting themselves', async () => {
      const self = `/users/${admin.id}`;
      expectCode(
        await as(admin).patch(self).send({ role: 'user' }),
        'cannot_change_own_admin_access',
      );
      expectCode(await as(admin).delete(self), 'cannot_change_own_admin_access');
    });

    it('user_owns_items: deleting a user who still owns items', async () => {
      const user = await signUp(t.http);
      await createItem(t.http, user.bearer);
      expectCode(await as(admin).delete(`/users/${user.id}`), 'user_owns_items');
      await as(admin).get(`/users/${user.id}`).expect(200);
    });
  });

  describe('items', () => {
    it('not_found: an unknown item, and another user’s draft', async () => {
      expectCode(await as(owner).get(`/items/${MISSING_ID}`), 'not_found');
      const draft = await createItem(t.http, owner.bearer, { status: 'draft' });
      expectCode(await as(other).get(`/items/${draft.id}`), 'not_found');
    });

    it('validation_failed: a change that changes nothing', async () => {
      const item = await createItem(t.http, owner.bearer);
      expectCode(await as(owner).patch(`/items/${item.id}`).send({}), 'validation_failed');
    });

    it('precondition_failed: If-Match names an older version', async () => {
      const item = await createItem(t.http, owner.bearer);
      await as(owner).patch(`/items/${item.id}`).send({ title: 'v2' }).expect(200);
      const res = await as(owner)
        .patch(`/items/${item.id}`)
        .set('If-Match', etagOf(item))
        .send({ title: 'v3' });
      expectCode(res, 'precondition_failed');
    });

    itWhenRacesInterleave(
      'item_version_conflict: two changes without If-Match race, and the later write loses',
      async () => {
        const item = await createItem(t.http, owner.bearer);
        // Whether two requests interleave between read and write is up to the scheduler: send
        // bursts until one loses the race, and check every loser's answer.
        await eventually(
          async () => {
            const burst = await Promise.all(
              Array.from({ length: 8 }, (_, i) =>
                as(owner)
                  .patch(`/items/${item.id}`)
                  .send({ title: `racer ${i}` }),
              ),
            );
            const losers = burst.filter((res) => res.status !== 200);
            for (const res of losers) expectCode(res, 'item_version_conflict');
            expect(losers.length).toBeGreaterThan(0);
          },
          { timeoutMs: 20_000, intervalMs: 10 },
        );
      },
    );

    it('item_not_deleted: restoring a live item', async () => {
      const item = await createItem(t.http, owner.bearer);
      expectCode(await as(owner).post(`/items/${item.id}/restore`), 'item_not_deleted');
    });

    it('idempotency_key_reused: the same Idempotency-Key with another body', async () => {
      const post = (title: string) =>
        as(owner).post('/items').set('Idempotency-Key', `codes-${owner.id}`).send({ title });
      await post('First').expect(201);
      expectCode(await post('Second'), 'idempotency_key_reused');
    });
  });

  describe('sessions and two-factor', () => {
    const totp = (secret: string, at: number): string =>
      new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: at });

    it('session_not_found: ending another user’s session', async () => {
      const [session] = (await as(other).get('/auth/sessions').expect(200)).body as Array<{
        id: string;
      }>;
      expectCode(await as(owner).delete(`/auth/sessions/${session?.id}`), 'session_not_found');
    });

    it('two_factor_*: confirm with nothing pending, a wrong code, enrol twice, a spent challenge, disable when off', async () => {
      const user = await signUp(t.http);
      expectCode(
        await as(user).post('/auth/2fa/confirm').send({ code: '123456' }),
        'two_factor_not_pending',
      );
      expectCode(
        await as(user).post('/auth/2fa/disable').send({ password: user.password, code: '123456' }),
        'two_factor_not_enabled',
      );
      const { secret } = (await as(user).post('/auth/2fa/enrol').expect(200)).body as {
        secret: string;
      };
      expectCode(
        await as(user)
          .post('/auth/2fa/confirm')
          .send({ code: totp(secret, Date.now() + 10 * 30_000) }),
        'two_factor_code_invalid',
      );
      await as(user)
        .post('/auth/2fa/confirm')
        .send({ code: totp(secret, Date.now()) })
        .expect(200);
      expectCode(await as(user).post('/auth/2fa/enrol'), 'two_factor_already_enabled');
      expectCode(
        await t
          .http()
          .post('/auth/2fa/verify')
          .send({ challenge: 'x'.repeat(43), code: '123456' }),
        'two_factor_challenge_invalid',
      );
    });
  });

  describe('search administration', () => {
    it('not_found: an unknown reindex job', async () => {
      expectCode(await as(admin).get(`/admin/search/reindex/${MISSING_ID}`), 'not_found');
    });

    itWhenRacesInterleave(
      'reindex_already_active: starting a reindex while one is queued or running',
      async () => {
        const start = () => as(admin).post('/admin/search/reindex');
        await eventually(
          async () => {
            const [a, b] = await Promise.all([start(), start()]);
            const refused = [a, b].filter((res) => res.status !== 202);
            for (const res of refused) expectCode(res, 'reindex_already_active');
            expect(refused.length).toBeGreaterThan(0);
          },
          { timeoutMs: 20_000, intervalMs: 10 },
        );
      },
    );
  });

  it('has answered every code of the table, except those proven elsewhere', () => {
    const unproven = ALL_ERROR_CODES.filter(
      (code) => !seen.has(code) && !PROVEN_ELSEWHERE[code] && !PROVEN_BY_RACES[code],
    );
    expect(unproven).toEqual([]);
  });
});
