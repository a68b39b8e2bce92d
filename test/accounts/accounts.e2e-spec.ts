import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { buildUserInput } from '../factories/user.factory';
import { login, signUp } from '../helpers/auth';
import { eventually } from '../helpers/eventually';
import { expectProblem } from '../helpers/expect-problem';
import { waitForIdleMailQueue } from '../helpers/mail-queue';
import { linkIn, SmtpSink, SUBJECTS } from '../helpers/smtp-sink';
import { startApp, TestApp } from '../helpers/test-app';

const PUBLIC_URL = 'http://keel.example.test';

/**
 * The account flows end to end: a real SMTP server receives the mails (Bull on Redis on the
 * MariaDB profile, the in-process queue on SQLite), the links in them are followed.
 */
describe('accounts: email verification, password reset, email change', () => {
  let smtp: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await startApp({ MAIL_URL: smtp.url, PUBLIC_URL, MAIL_QUEUE_BACKOFF_MS: '50' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const me = (bearer: string) => t.http().get('/users/me').set('Authorization', bearer);

  /** Makes every unused token of the user expired, as time passing would. */
  const expireTokens = (userId: string) =>
    t.app
      .get(DataSource)
      .createQueryBuilder()
      .update('account_tokens')
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where('user_id = :userId', { userId })
      .execute();

  describe('email verification', () => {
    it('mails a link on sign-up; its page does not spend the token; POST verifies once', async () => {
      const user = await signUp(t.http);
      expect((await me(user.bearer)).body).toMatchObject({ emailVerified: false });

      const mail = await smtp.waitFor(user.email, SUBJECTS.verify);
      expect(mail.subject).toBe('Verify your email address');
      const link = linkIn(mail);
      expect(link.url.startsWith(`${PUBLIC_URL}/account/verify-email?token=`)).toBe(true);
      expect(mail.html).toContain('/account/verify-email?token');

      // Stored only as its SHA-256: the token itself is nowhere in the table.
      const rows = await t.app
        .get(DataSource)
        .query<Array<Record<string, unknown>>>('SELECT * FROM account_tokens WHERE user_id = ?', [
          user.id,
        ]);
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(link.token);
      expect(rows[0]?.token_hash).toBe(createHash('sha256').update(link.token).digest('hex'));

      // A mail scanner opening the link twice changes nothing: the page only shows a form.
      for (let i = 0; i < 2; i += 1) {
        const page = await t.http().get(link.path).expect(200);
        expect(page.headers['content-type']).toMatch(/^text\/html/);
        expect(page.text).toContain('<form method="post" action="/account/verify-email">');
        expect(page.text).toContain(`value="${link.token}"`);
      }
      expect((await me(user.bearer)).body).toMatchObject({ emailVerified: false });

      await t.http().post('/auth/verify-email').send({ token: link.token }).expect(204);
      expect((await me(user.bearer)).body).toMatchObject({ emailVerified: true });

      // Used: refused the second time.
      expectProblem(
        await t.http().post('/auth/verify-email').send({ token: link.token }),
        400,
        'account_token_invalid',
      );
    });

    it('the page form posts (form-encoded) and shows the result page', async () => {
      const user = await signUp(t.http);
      const { token } = linkIn(await smtp.waitFor(user.email, SUBJECTS.verify));
      const done = await t
        .http()
        .post('/account/verify-email')
        .type('form')
        .send({ token })
        .expect(200);
      expect(done.text).toContain('Email verified');
      expect((await me(user.bearer)).body).toMatchObject({ emailVerified: true });
      const again = await t.http().post('/account/verify-email').type('form').send({ token });
      expect(again.status).toBe(400);
      expect(again.text).toContain('That did not work');
    });

    it('refuses an expired token, and an unknown one', async () => {
      const user = await signUp(t.http);
      const { token } = linkIn(await smtp.waitFor(user.email, SUBJECTS.verify));
      await expireTokens(user.id);
      expectProblem(
        await t.http().post('/auth/verify-email').send({ token }),
        400,
        'account_token_invalid',
      );
      expect((await me(user.bearer)).body).toMatchObject({ emailVerified: false });
      expectProblem(
        await t
          .http()
          .post('/auth/verify-email')
          .send({ token: 'A'.repeat(43) }),
        400,
        'account_token_invalid',
      );
    });

    it('resend: the same answer verified or not; a new mail only when not verified', async () => {
      const unverified = await signUp(t.http);
      await smtp.waitFor(unverified.email, SUBJECTS.verify);
      const a = await t
        .http()
        .post('/auth/verify-email/resend')
        .set('Authorization', unverified.bearer);
      const second = await smtp.waitFor(unverified.email, SUBJECTS.verify, { count: 2 });
      expect(second.subject).toBe('Verify your email address');

      const verified = await signUp(t.http);
      await t
        .http()
        .post('/auth/verify-email')
        .send({ token: linkIn(await smtp.waitFor(verified.email, SUBJECTS.verify)).token })
        .expect(204);
      const b = await t
        .http()
        .post('/auth/verify-email/resend')
        .set('Authorization', verified.bearer);

      expect(a.status).toBe(202);
      expect(b.status).toBe(a.status);
      expect(b.body).toEqual(a.body);
      // The verified user's job ran and sent nothing: wait for the queue to be idle.
      await waitForIdleMailQueue(t);
      expect(smtp.to(verified.email)).toHaveLength(1);
      // Both links of the unverified user work until one is used.
      await t
        .http()
        .post('/auth/verify-email')
        .send({ token: linkIn(second).token })
        .expect(204);
    });

    it('needs a signed-in user to resend', async () => {
      expectProblem(await t.http().post('/auth/verify-email/resend'), 401, 'token_invalid');
    });
  });

  describe('password reset', () => {
    it('answers a known and an unknown email the same; only the known one gets a mail', async () => {
      const user = await signUp(t.http);
      const unknown = buildUserInput().email;
      const known = await t.http().post('/auth/password/forgot').send({ email: user.email });
      const other = await t.http().post('/auth/password/forgot').send({ email: unknown });
      expect(known.status).toBe(202);
      expect(other.status).toBe(known.status);
      expect(other.body).toEqual(known.body);
      expect(other.headers['content-length']).toBe(known.headers['content-length']);

      const mail = await smtp.waitFor(user.email, SUBJECTS.reset);
      expect(mail.subject).toBe('Reset your password');
      await waitForIdleMailQueue(t);
      expect(smtp.to(unknown)).toHaveLength(0);
    });

    it('sets the password and ends every session: old refresh and access tokens refused', async () => {
      const user = await signUp(t.http);
      const other = await login(t.http, user.email, user.password); // a second device
      await t.http().post('/auth/password/forgot').send({ email: user.email }).expect(202);
      const { token } = linkIn(await smtp.waitFor(user.email, SUBJECTS.reset));

      // The cut-off has one-second resolution: a token from the same second would stay valid.
      await nextSecondAfter(other.accessToken);
      await t
        .http()
        .post('/auth/password/reset')
        .send({ token, password: 'a-brand-new-password' })
        .expect(204);

      expectProblem(await me(user.bearer), 401, 'token_invalid');
      expectProblem(await me(other.bearer), 401, 'token_invalid');
      for (const refreshToken of [user.refreshToken, other.refreshToken]) {
        expectProblem(
          await t.http().post('/auth/refresh').send({ refreshToken }),
          401,
          'refresh_token_invalid',
        );
      }
      expectProblem(
        await t.http().post('/auth/login').send({ email: user.email, password: user.password }),
        401,
        'invalid_credentials',
      );
      // Both sign-ins' refresh-token families were revoked, each with its session.revoked event.
      const revoked = await t.app
        .get(DataSource)
        .query<Array<{ payload: string }>>(
          "SELECT payload FROM outbox WHERE event_type = 'session.revoked'",
        );
      const families = revoked
        .map((r) => JSON.parse(r.payload) as { userId: string; reason: string; familyId: string })
        .filter((p) => p.userId === user.id && p.reason === 'password-changed');
      expect(new Set(families.map((p) => p.familyId)).size).toBe(2);
      const fresh = await login(t.http, user.email, 'a-brand-new-password');
      await me(fresh.bearer).expect(200);

      // Single use.
      expectProblem(
        await t.http().post('/auth/password/reset').send({ token, password: 'yet-another-one' }),
        400,
        'account_token_invalid',
      );
    });

    it('applies the sign-up password rules', async () => {
      const res = await t
        .http()
        .post('/auth/password/reset')
        .send({ token: 'A'.repeat(43), password: 'short' });
      const problem = expectProblem(res, 400, 'validation_failed');
      expect(problem.errors?.map((e) => e.field)).toEqual(['password']);
    });

    it('of two concurrent uses of one token, exactly one wins', async () => {
      const user = await signUp(t.http);
      await t.http().post('/auth/password/forgot').send({ email: user.email }).expect(202);
      const { token } = linkIn(await smtp.waitFor(user.email, SUBJECTS.reset));
      const results = await Promise.all(
        ['first-new-password', 'second-new-password'].map((password) =>
          t.http().post('/auth/password/reset').send({ token, password }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([204, 400]);
      const winner = results[0].status === 204 ? 'first-new-password' : 'second-new-password';
      await login(t.http, user.email, winner);
    });

    it('refuses an expired token and a token of another purpose (without spending it)', async () => {
      const user = await signUp(t.http);
      const verifyToken = linkIn(await smtp.waitFor(user.email, SUBJECTS.verify)).token;
      expectProblem(
        await t
          .http()
          .post('/auth/password/reset')
          .send({ token: verifyToken, password: 'a-brand-new-password' }),
        400,
        'account_token_invalid',
      );
      // Still good for what it was issued for.
      await t.http().post('/auth/verify-email').send({ token: verifyToken }).expect(204);

      await t.http().post('/auth/password/forgot').send({ email: user.email }).expect(202);
      const resetToken = linkIn(await smtp.waitFor(user.email, SUBJECTS.reset)).token;
      expectProblem(
        await t.http().post('/auth/verify-email').send({ token: resetToken }),
        400,
        'account_token_invalid',
      );
      await expireTokens(user.id);
      expectProblem(
        await t
          .http()
          .post('/auth/password/reset')
          .send({ token: resetToken, password: 'a-brand-new-password' }),
        400,
        'account_token_invalid',
      );
      await login(t.http, user.email, user.password);
    });

    it('the reset page: GET shows the form, a mismatch re-shows it, a good POST resets', async () => {
      const user = await signUp(t.http);
      await t.http().post('/auth/password/forgot').send({ email: user.email }).expect(202);
      const link = linkIn(await smtp.waitFor(user.email, SUBJECTS.reset));
      const form = await t.http().get(link.path).expect(200);
      expect(form.text).toContain('name="password"');
      expect(form.headers['cache-control']).toBe('no-store');
      expect(form.headers['content-security-policy']).toContain("script-src 'self'");

      const submit = (password: string, confirm: string) =>
        t
          .http()
          .post('/account/reset-password')
          .type('form')
          .send({ token: link.token, password, confirm });
      const mismatch = await submit('new-password-1', 'new-password-2');
      expect(mismatch.status).toBe(400);
      expect(mismatch.text).toContain('The two passwords differ.');
      const short = await submit('short', 'short');
      expect(short.status).toBe(400);
      expect(short.text).toContain('password must be at least 8 characters');

      const done = await submit('new-password-1', 'new-password-1').expect(200);
      expect(done.text).toContain('Password changed');
      await login(t.http, user.email, 'new-password-1');
    });
  });

  describe('email change', () => {
    it('needs the current password; mails the new address a link and the old one a notice', async () => {
      const user = await signUp(t.http);
      const newEmail = buildUserInput().email;
      const wrong = await t
        .http()
        .post('/users/me/email')
        .set('Authorization', user.bearer)
        .send({ currentPassword: 'not-the-password', newEmail });
      expect(expectProblem(wrong, 400, 'validation_failed').errors?.[0]?.field).toBe(
        'currentPassword',
      );

      await t
        .http()
        .post('/users/me/email')
        .set('Authorization', user.bearer)
        .send({ currentPassword: user.password, newEmail })
        .expect(202);
      const confirm = await smtp.waitFor(newEmail, SUBJECTS.change);
      expect(confirm.subject).toBe('Confirm your new email address');
      const notice = await smtp.waitFor(user.email, SUBJECTS.notice);
      expect(notice.subject).toBe('Your email address is being changed');
      expect(notice.text).toContain(newEmail);
      expect(() => linkIn(notice)).toThrow(); // the old address gets no link

      const link = linkIn(confirm);
      const page = await t.http().get(link.path).expect(200);
      expect(page.text).toContain('action="/account/confirm-email"');
      expect((await me(user.bearer)).body).toMatchObject({ email: user.email });

      await t.http().post('/auth/email/confirm').send({ token: link.token }).expect(204);
      expect((await me(user.bearer)).body).toMatchObject({ email: newEmail, emailVerified: true });
      await login(t.http, newEmail, user.password);
      expectProblem(
        await t.http().post('/auth/login').send({ email: user.email, password: user.password }),
        401,
        'invalid_credentials',
      );
      expectProblem(
        await t.http().post('/auth/email/confirm').send({ token: link.token }),
        400,
        'account_token_invalid',
      );
    });

    it('409 email_taken when the address is taken, when asked and when confirmed', async () => {
      const user = await signUp(t.http);
      const taken = await signUp(t.http);
      expectProblem(
        await t
          .http()
          .post('/users/me/email')
          .set('Authorization', user.bearer)
          .send({ currentPassword: user.password, newEmail: taken.email.toUpperCase() }),
        409,
        'email_taken',
      );

      const newEmail = buildUserInput().email;
      await t
        .http()
        .post('/users/me/email')
        .set('Authorization', user.bearer)
        .send({ currentPassword: user.password, newEmail })
        .expect(202);
      const { token } = linkIn(await smtp.waitFor(newEmail, SUBJECTS.change));
      // Someone signs up with that address before the link is used.
      await signUp(t.http, { email: newEmail });
      expectProblem(await t.http().post('/auth/email/confirm').send({ token }), 409, 'email_taken');
      expect((await me(user.bearer)).body).toMatchObject({ email: user.email });
    });

    it('needs a signed-in user', async () => {
      expectProblem(
        await t
          .http()
          .post('/users/me/email')
          .send({ currentPassword: 'x', newEmail: 'a@example.test' }),
        401,
        'token_invalid',
      );
    });
  });

  it('sign-up answers emailVerified: false, a boolean (MySQL merges the column default raw)', async () => {
    const res = await t.http().post('/auth/register').send(buildUserInput()).expect(201);
    expect((res.body as { emailVerified: unknown }).emailVerified).toBe(false);
  });

  it('admins see emailVerified in the user list', async () => {
    const user = await signUp(t.http);
    const admin = await login(t.http, 'admin@keel.test', 'admin-password-123');
    const res = await t.http().get(`/users/${user.id}`).set('Authorization', admin.bearer);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, emailVerified: false });
  });
});

/** Until the second after the access token's `iat` (the sessions cut-off counts whole seconds). */
async function nextSecondAfter(accessToken: string): Promise<void> {
  const payload = JSON.parse(
    Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'),
  ) as { iat: number };
  await eventually(() => expect(Date.now()).toBeGreaterThanOrEqual((payload.iat + 1) * 1000), {
    timeoutMs: 2_000,
  });
}
