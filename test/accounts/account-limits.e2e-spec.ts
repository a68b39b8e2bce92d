import { buildUserInput } from '../factories/user.factory';
import { expectProblem } from '../helpers/expect-problem';
import { linkIn, SmtpSink, SUBJECTS } from '../helpers/smtp-sink';
import { startApp, TestApp } from '../helpers/test-app';

const LIMIT = 3;

/**
 * The account routes under the auth rate limits (a low AUTH_RATE_LIMIT) and sign-in with
 * AUTH_REQUIRE_VERIFIED_EMAIL=true.
 */
describe('accounts: rate limits and required verification', () => {
  let smtp: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await startApp({
      MAIL_URL: smtp.url,
      AUTH_RATE_LIMIT: String(LIMIT),
      AUTH_RATE_WINDOW: '3600',
      AUTH_REQUIRE_VERIFIED_EMAIL: 'true',
      TRUST_PROXY: '1',
    });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  /** Registers from this client IP (each test uses its own, so the per-IP budgets do not mix). */
  async function register(ip: string): Promise<{ id: string; email: string; password: string }> {
    const input = buildUserInput();
    const res = await t
      .http()
      .post('/auth/register')
      .set('X-Forwarded-For', ip)
      .send(input)
      .expect(201);
    return { id: (res.body as { id: string }).id, ...input };
  }

  /** POST /auth/login from this client IP. */
  const signIn = (ip: string, email: string, password: string) =>
    t.http().post('/auth/login').set('X-Forwarded-For', ip).send({ email, password });

  it('sign-in of an unverified email: 403 email_not_verified, only with the right password', async () => {
    const user = await register('10.0.0.1');
    expectProblem(
      await signIn('10.0.0.1', user.email, 'wrong-password'),
      401,
      'invalid_credentials',
    );
    expectProblem(await signIn('10.0.0.1', user.email, user.password), 403, 'email_not_verified');
    const { token } = linkIn(await smtp.waitFor(user.email, SUBJECTS.verify));
    await t
      .http()
      .post('/auth/verify-email')
      .set('X-Forwarded-For', '10.0.0.1')
      .send({ token })
      .expect(204);
    expect((await signIn('10.0.0.6', user.email, user.password)).status).toBe(200);
  });

  it('forgot password: limited per email, the same 429 for a known and an unknown one', async () => {
    const known = (await register('10.0.0.2')).email;
    const unknown = buildUserInput().email;
    for (const email of [known, unknown]) {
      for (let i = 0; i < LIMIT; i += 1) {
        // A new IP each time: only the per-email limit can refuse.
        await t
          .http()
          .post('/auth/password/forgot')
          .set('X-Forwarded-For', `10.1.${i}.${email === known ? 1 : 2}`)
          .send({ email })
          .expect(202);
      }
      const refused = await t
        .http()
        .post('/auth/password/forgot')
        .set('X-Forwarded-For', '10.1.9.9')
        .send({ email });
      expectProblem(refused, 429, 'too_many_requests');
      expect(refused.headers['retry-after']).toBeDefined();
    }
  });

  it('resend verification: limited per user, whatever the IP', async () => {
    const user = await signUpVerified('10.0.0.3');
    for (let i = 0; i < LIMIT; i += 1) {
      await t
        .http()
        .post('/auth/verify-email/resend')
        .set('X-Forwarded-For', `10.2.0.${i}`)
        .set('Authorization', user.bearer)
        .expect(202);
    }
    expectProblem(
      await t
        .http()
        .post('/auth/verify-email/resend')
        .set('X-Forwarded-For', '10.2.9.9')
        .set('Authorization', user.bearer),
      429,
      'too_many_requests',
    );
    // Another user is not held back by this one's count.
    const other = await signUpVerified('10.0.0.4');
    await t
      .http()
      .post('/auth/verify-email/resend')
      .set('X-Forwarded-For', '10.2.9.9')
      .set('Authorization', other.bearer)
      .expect(202);
  });

  it('email change: limited per user (guessing the current password is bounded)', async () => {
    const user = await signUpVerified('10.0.0.5');
    const ask = (i: number) =>
      t
        .http()
        .post('/users/me/email')
        .set('X-Forwarded-For', `10.3.0.${i}`)
        .set('Authorization', user.bearer)
        .send({ currentPassword: `guess-${i}`, newEmail: buildUserInput().email });
    for (let i = 0; i < LIMIT; i += 1) expectProblem(await ask(i), 400, 'validation_failed');
    expectProblem(await ask(LIMIT), 429, 'too_many_requests');
  });

  it('token routes: limited per client IP only (a token cannot be guessed)', async () => {
    const post = (ip: string) =>
      t
        .http()
        .post('/auth/verify-email')
        .set('X-Forwarded-For', ip)
        .send({ token: 'A'.repeat(43) });
    for (let i = 0; i < LIMIT; i += 1)
      expectProblem(await post('10.4.0.1'), 400, 'account_token_invalid');
    expectProblem(await post('10.4.0.1'), 429, 'too_many_requests');
    // Not a shared per-body count: another client is not held back.
    expectProblem(await post('10.4.0.2'), 400, 'account_token_invalid');
  });

  /** A verified user signed in (required by this app's configuration). */
  async function signUpVerified(ip: string) {
    const user = await register(ip);
    const { token } = linkIn(await smtp.waitFor(user.email, SUBJECTS.verify));
    await t
      .http()
      .post('/auth/verify-email')
      .set('X-Forwarded-For', ip)
      .send({ token })
      .expect(204);
    const res = await signIn(ip, user.email, user.password).expect(200);
    return { ...user, bearer: `Bearer ${(res.body as { accessToken: string }).accessToken}` };
  }
});
