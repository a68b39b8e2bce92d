import { Logger } from '@nestjs/common';
import { simpleParser } from 'mailparser';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { signUp } from '../helpers/auth';
import { eventually } from '../helpers/eventually';
import { freePort } from '../helpers/free-port';
import { mailQueue, waitForIdleMailQueue } from '../helpers/mail-queue';
import { linkIn, SmtpSink, SUBJECTS } from '../helpers/smtp-sink';
import { startApp, TestApp } from '../helpers/test-app';

/** A "mail server" that hangs up on every connection, counting them: SMTP down. */
async function hangUpServer(
  port: number,
): Promise<{ connections: () => number; close(): Promise<void> }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    count += 1;
    sockets.add(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('mail delivery', () => {
  describe('SMTP down, then back', () => {
    let t: TestApp;
    let smtp: SmtpSink | undefined;

    afterAll(async () => {
      await t?.close();
      await smtp?.close();
    });

    it('the request does not wait; the job retries with backoff; the mail arrives exactly once', async () => {
      const port = await freePort();
      const down = await hangUpServer(port);
      t = await startApp({
        MAIL_URL: `smtp://127.0.0.1:${port}`,
        MAIL_QUEUE_BACKOFF_MS: '100',
        MAIL_QUEUE_ATTEMPTS: '12',
      });
      const user = await signUp(t.http);
      await t.http().post('/auth/password/forgot').send({ email: user.email }).expect(202);

      // Several attempts failed (every job has tried at least once and is waiting to retry).
      await eventually(
        async () => {
          expect(down.connections()).toBeGreaterThanOrEqual(6);
          expect((await mailQueue(t).counts()).delayed).toBeGreaterThan(0);
        },
        { timeoutMs: 30_000 },
      );
      await down.close();
      smtp = await SmtpSink.start(port);

      const reset = await smtp.waitFor(user.email, SUBJECTS.reset, { timeoutMs: 60_000 });
      await smtp.waitFor(user.email, SUBJECTS.verify, { timeoutMs: 60_000 });
      await waitForIdleMailQueue(t, 60_000);
      expect(smtp.to(user.email, SUBJECTS.reset)).toHaveLength(1);
      expect(smtp.to(user.email, SUBJECTS.verify)).toHaveLength(1);
      expect((await mailQueue(t).counts()).failed).toBe(0);

      // The link in the mail that waited works (its token was issued by the attempt that sent it).
      await t
        .http()
        .post('/auth/password/reset')
        .send({ token: linkIn(reset).token, password: 'after-the-outage' })
        .expect(204);
    }, 120_000);
  });

  describe('embedded: no MAIL_URL', () => {
    let t: TestApp;
    const logged: unknown[] = [];

    beforeAll(async () => {
      jest.spyOn(Logger.prototype, 'log').mockImplementation(function (message: unknown) {
        logged.push(message);
      });
      t = await startApp({ PUBLIC_URL: 'http://localhost:4000' });
    });
    afterAll(async () => {
      await t?.close();
      jest.restoreAllMocks();
    });

    it('writes each mail as an .eml file in DATA_DIR/mail and logs its link', async () => {
      const user = await signUp(t.http);
      const dir = t.config.mail.dir;
      expect(dir).toBe(join(t.infra.env.DATA_DIR, 'mail'));

      const file = await eventually(async () => {
        for (const name of (await readdir(dir)).filter((n) => n.endsWith('.eml'))) {
          const mail = await simpleParser(await readFile(join(dir, name)));
          const to = [mail.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address));
          if (to.includes(user.email)) return { name, mail };
        }
        throw new Error(`no .eml to ${user.email} yet`);
      });
      expect(file.mail.subject).toBe(SUBJECTS.verify);
      const link = linkIn(file.mail.text ?? '');
      expect(link.url.startsWith('http://localhost:4000/account/verify-email?token=')).toBe(true);

      const line = logged.find(
        (m): m is { event: string; link: string; file: string } =>
          typeof m === 'object' &&
          m !== null &&
          (m as { event?: string }).event === 'mail.written' &&
          (m as { file?: string }).file === join(dir, file.name),
      );
      expect(line?.link).toBe(link.url);

      // The newcomer's path: open the logged link, press the button.
      await t.http().get(link.path).expect(200);
      await t
        .http()
        .post('/account/verify-email')
        .type('form')
        .send({ token: link.token })
        .expect(200);
      const me = await t.http().get('/users/me').set('Authorization', user.bearer).expect(200);
      expect(me.body).toMatchObject({ emailVerified: true });
    });
  });
});
