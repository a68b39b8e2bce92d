import { Secret, TOTP } from 'otpauth';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { TwoFactorChallengeEntity } from '../../src/modules/auth/two-factor/two-factor-challenge.entity';
import { signUp, SignedIn } from '../helpers/auth';
import { expectProblem } from '../helpers/expect-problem';
import { expectGraphqlError, gql } from '../helpers/graphql';
import { startApp, TestApp } from '../helpers/test-app';

interface Challenge {
  twoFactorRequired: true;
  challenge: string;
  expiresIn: number;
}

const STEP_MS = 30_000;

/** The code an authenticator app shows for this secret at `at` (epoch ms). */
const codeAt = (secret: string, at: number): string =>
  new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: at });

const refreshCookie = (res: Response): string | undefined =>
  ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith('keel_refresh='));

/** Enrols and confirms two-factor for the user; returns the secret and the recovery codes. */
async function turnOn(
  t: TestApp,
  user: SignedIn,
): Promise<{ secret: string; recoveryCodes: string[]; confirmedWith: string }> {
  const enrolled = await t
    .http()
    .post('/auth/2fa/enrol')
    .set('Authorization', user.bearer)
    .expect(200);
  const { secret } = enrolled.body as { secret: string };
  const confirmedWith = codeAt(secret, Date.now());
  const confirmed = await t
    .http()
    .post('/auth/2fa/confirm')
    .set('Authorization', user.bearer)
    .send({ code: confirmedWith })
    .expect(200);
  return { secret, confirmedWith, ...(confirmed.body as { recoveryCodes: string[] }) };
}

describe('Two-factor sign-in (TOTP)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ TWO_FACTOR_RATE_LIMIT: '1000' });
  });
  afterAll(() => t.close());

  const loginAs = (user: SignedIn) =>
    t.http().post('/auth/login').send({ email: user.email, password: user.password }).expect(200);

  async function challengeOf(user: SignedIn): Promise<string> {
    const res = await loginAs(user);
    const body = res.body as Challenge;
    expect(body).toEqual({
      twoFactorRequired: true,
      challenge: expect.any(String),
      expiresIn: 300,
    });
    // No tokens yet: nothing in the body, no refresh cookie.
    expect(res.body).not.toHaveProperty('accessToken');
    expect(refreshCookie(res)).toBeUndefined();
    return body.challenge;
  }

  const verify = (body: Record<string, unknown>) => t.http().post('/auth/2fa/verify').send(body);

  it('enrol gives a secret and an otpauth URI; the secret is stored encrypted; pending until confirmed', async () => {
    const user = await signUp(t.http);
    const first = await t
      .http()
      .post('/auth/2fa/enrol')
      .set('Authorization', user.bearer)
      .expect(200);
    const again = await t
      .http()
      .post('/auth/2fa/enrol')
      .set('Authorization', user.bearer)
      .expect(200);
    const { secret, otpauthUri } = again.body as { secret: string; otpauthUri: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(secret).not.toBe((first.body as { secret: string }).secret);
    const uri = new URL(otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Keel');
    expect(decodeURIComponent(uri.pathname)).toContain(user.email);

    const rows = await t.app
      .get(DataSource)
      .query<Array<{ secret: string }>>('SELECT secret FROM two_factor WHERE user_id = ?', [
        user.id,
      ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.secret).not.toContain(secret);
    expect(rows[0]?.secret).toMatch(/^v1\./);

    // Pending: login still answers tokens.
    expect((await loginAs(user)).body).toHaveProperty('accessToken');
    // Only the latest secret confirms it.
    expectProblem(
      await t
        .http()
        .post('/auth/2fa/confirm')
        .set('Authorization', user.bearer)
        .send({ code: codeAt((first.body as { secret: string }).secret, Date.now()) }),
      401,
      'two_factor_code_invalid',
    );
  });

  it('confirm turns it on with ten recovery codes; login then needs the second step', async () => {
    const user = await signUp(t.http);
    expectProblem(
      await t
        .http()
        .post('/auth/2fa/confirm')
        .set('Authorization', user.bearer)
        .send({ code: '123456' }),
      409,
      'two_factor_not_pending',
    );
    const { secret, recoveryCodes } = await turnOn(t, user);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const stored = await t.app
      .get(DataSource)
      .query<Array<{ code_hash: string }>>(
        'SELECT code_hash FROM two_factor_recovery_codes WHERE user_id = ?',
        [user.id],
      );
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(recoveryCodes[0]?.replace('-', ''));

    expectProblem(
      await t.http().post('/auth/2fa/enrol').set('Authorization', user.bearer),
      409,
      'two_factor_already_enabled',
    );
    expectProblem(
      await t
        .http()
        .post('/auth/2fa/confirm')
        .set('Authorization', user.bearer)
        .send({ code: codeAt(secret, Date.now()) }),
      409,
      'two_factor_not_pending',
    );

    const challenge = await challengeOf(user);
    expectProblem(
      await verify({ challenge, code: codeAt(secret, Date.now() + 10 * STEP_MS) }),
      401,
      'two_factor_code_invalid',
    );
    // A wrong code does not spend the challenge.
    const res = await verify({ challenge, code: codeAt(secret, Date.now() + STEP_MS) }).expect(200);
    const tokens = res.body as { accessToken: string; refreshToken: string };
    expect(tokens).toMatchObject({ tokenType: 'Bearer', refreshToken: expect.any(String) });
    expect(refreshCookie(res)).toMatch(/^keel_refresh=.+; Path=\/auth;.*HttpOnly/i);
    await t
      .http()
      .get('/users/me')
      .set('Authorization', `Bearer ${tokens.accessToken}`)
      .expect(200);
    await t.http().post('/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(200);

    // Single use: the same challenge again is refused, whatever the code.
    expectProblem(
      await verify({ challenge, recoveryCode: recoveryCodes[0] }),
      401,
      'two_factor_challenge_invalid',
    );
    expectProblem(
      await verify({ challenge: 'x'.repeat(43), code: '123456' }),
      401,
      'two_factor_challenge_invalid',
    );
    // The refused attempt did not spend the recovery code it carried.
    await verify({ challenge: await challengeOf(user), recoveryCode: recoveryCodes[0] }).expect(
      200,
    );
  });

  it('one challenge signs in once, even when two verifies race', async () => {
    const user = await signUp(t.http);
    const { recoveryCodes } = await turnOn(t, user);
    const challenge = await challengeOf(user);
    const answers = await Promise.all(
      recoveryCodes.slice(0, 4).map((recoveryCode) => verify({ challenge, recoveryCode })),
    );
    expect(answers.map((res) => res.status).sort()).toEqual([200, 401, 401, 401]);
    for (const res of answers.filter((r) => r.status === 401)) {
      expectProblem(res, 401, 'two_factor_challenge_invalid');
    }
  });

  it('a TOTP code is accepted once: the code used to confirm, or to sign in, is refused after', async () => {
    const user = await signUp(t.http);
    const { secret, confirmedWith } = await turnOn(t, user);
    expectProblem(
      await verify({ challenge: await challengeOf(user), code: confirmedWith }),
      401,
      'two_factor_code_invalid',
    );
    const next = codeAt(secret, Date.now() + STEP_MS);
    await verify({ challenge: await challengeOf(user), code: next }).expect(200);
    expectProblem(
      await verify({ challenge: await challengeOf(user), code: next }),
      401,
      'two_factor_code_invalid',
    );
  });

  it('a recovery code signs in once (case and dash do not matter)', async () => {
    const user = await signUp(t.http);
    const { recoveryCodes } = await turnOn(t, user);
    const [first = '', second = ''] = recoveryCodes;
    await verify({ challenge: await challengeOf(user), recoveryCode: first }).expect(200);
    expectProblem(
      await verify({ challenge: await challengeOf(user), recoveryCode: first }),
      401,
      'two_factor_code_invalid',
    );
    await verify({
      challenge: await challengeOf(user),
      recoveryCode: second.replace('-', '').toUpperCase(),
    }).expect(200);
    expectProblem(
      await verify({ challenge: await challengeOf(user), recoveryCode: 'aaaaa-aaaaa' }),
      401,
      'two_factor_code_invalid',
    );
  });

  it('an expired challenge is refused', async () => {
    const user = await signUp(t.http);
    const { secret } = await turnOn(t, user);
    const challenge = await challengeOf(user);
    await t.app
      .get(DataSource)
      .getRepository(TwoFactorChallengeEntity)
      .update({ userId: user.id }, { expiresAt: new Date(Date.now() - 1000) });
    expectProblem(
      await verify({ challenge, code: codeAt(secret, Date.now() + STEP_MS) }),
      401,
      'two_factor_challenge_invalid',
    );
  });

  it('verify needs a code or a recovery code', async () => {
    expectProblem(await verify({ challenge: 'x'.repeat(43) }), 400, 'validation_failed');
    expectProblem(
      await verify({ challenge: 'x'.repeat(43), code: '12345' }),
      400,
      'validation_failed',
    );
  });

  it('disable needs the password and a code; then login answers tokens again', async () => {
    const user = await signUp(t.http);
    expectProblem(
      await t
        .http()
        .post('/auth/2fa/disable')
        .set('Authorization', user.bearer)
        .send({ password: user.password, code: '123456' }),
      409,
      'two_factor_not_enabled',
    );
    const { secret, recoveryCodes } = await turnOn(t, user);
    const disable = (body: Record<string, unknown>) =>
      t.http().post('/auth/2fa/disable').set('Authorization', user.bearer).send(body);

    const wrongPassword = expectProblem(
      await disable({ password: 'not-the-password', code: codeAt(secret, Date.now() + STEP_MS) }),
      400,
      'validation_failed',
    );
    expect(wrongPassword.errors).toEqual([{ field: 'password', message: expect.any(String) }]);
    expectProblem(
      await disable({ password: user.password, code: codeAt(secret, Date.now() + 10 * STEP_MS) }),
      401,
      'two_factor_code_invalid',
    );
    expectProblem(await disable({ password: user.password }), 400, 'validation_failed');
    expect((await loginAs(user)).body).toHaveProperty('twoFactorRequired', true);

    await disable({ password: user.password, code: recoveryCodes[3] }).expect(204);
    expect((await loginAs(user)).body).toHaveProperty('accessToken');
    // Off means off: the old recovery codes and enrolment are gone.
    expectProblem(
      await disable({ password: user.password, code: recoveryCodes[4] }),
      409,
      'two_factor_not_enabled',
    );
  });

  it('GraphQL login refuses an account with two-factor on (two_factor_required), without tokens', async () => {
    const user = await signUp(t.http);
    const LOGIN =
      'mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken } }';
    const before = await gql<{ login: { accessToken: string } }>(t.http, LOGIN, {
      variables: { input: { email: user.email, password: user.password } },
    });
    expect(before.data?.login.accessToken).toEqual(expect.any(String));

    await turnOn(t, user);
    const after = await gql(t.http, LOGIN, {
      variables: { input: { email: user.email, password: user.password } },
    });
    expectGraphqlError(after, 'two_factor_required');
    expect(after.data).toBeNull();
    expect(refreshCookie(after.res)).toBeUndefined();
    // A wrong password still answers invalid_credentials (no hint that two-factor is on).
    const wrong = await gql(t.http, LOGIN, {
      variables: { input: { email: user.email, password: 'not-the-password' } },
    });
    expectGraphqlError(wrong, 'invalid_credentials');
  });
});

describe('Two-factor attempts are rate limited per user', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ TWO_FACTOR_RATE_LIMIT: '3' });
  });
  afterAll(() => t.close());

  it('past TWO_FACTOR_RATE_LIMIT attempts, even a right code answers 429, across challenges', async () => {
    const user = await signUp(t.http);
    const { secret } = await turnOn(t, user); // attempt 1 (confirm)
    const challenge = async (): Promise<string> =>
      (
        (
          await t
            .http()
            .post('/auth/login')
            .send({ email: user.email, password: user.password })
            .expect(200)
        ).body as Challenge
      ).challenge;
    const wrong = codeAt(secret, Date.now() + 10 * STEP_MS);
    for (let i = 0; i < 2; i++) {
      expectProblem(
        await t
          .http()
          .post('/auth/2fa/verify')
          .send({ challenge: await challenge(), code: wrong }),
        401,
        'two_factor_code_invalid',
      );
    }
    const limited = await t
      .http()
      .post('/auth/2fa/verify')
      .send({ challenge: await challenge(), code: codeAt(secret, Date.now() + STEP_MS) });
    expectProblem(limited, 429, 'too_many_requests');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    // Another user is not affected.
    const other = await signUp(t.http);
    await turnOn(t, other);
  });
});
