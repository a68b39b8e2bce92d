import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { login, signUp } from '../helpers/auth';
import {
  describeBrowser,
  launchChromium,
  openPage,
  requireChromium,
  TEST_TIMEOUT_MS,
} from '../helpers/chromium';
import { linkIn, SmtpSink, SUBJECTS } from '../helpers/smtp-sink';
import { startApp, TestApp } from '../helpers/test-app';

/**
 * The reset-password page in Debian's Chromium: open the link from the mail, fill the form, submit
 * (a plain form post: helmet's CSP allows no inline script), then sign in with the new password.
 * Like swagger-ui.e2e-spec.ts: on the embedded profile only; in CI a missing Chromium fails.
 */
const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'account-pages');
const describeBrowserSpec = describeBrowser('account-pages-browser.e2e-spec');

describeBrowserSpec('account pages in Chromium', () => {
  let smtp: SmtpSink;
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    requireChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
    smtp = await SmtpSink.start();
    t = await startApp({ MAIL_URL: smtp.url });
    browser = await launchChromium();
    page = await openPage(browser, cspViolations);
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  it(
    'opens the reset link, submits the form, and the new password signs in',
    async () => {
      const user = await signUp(t.http);
      await t.http().post('/auth/password/forgot').send({ email: user.email }).expect(202);
      const link = linkIn(await smtp.waitFor(user.email, SUBJECTS.reset));

      await page.goto(`${t.url}${link.path}`, { waitUntil: 'load' });
      expect(await page.locator('h1').innerText()).toBe('Choose a new password');

      // The two fields differ: the form comes back with the reason, the token still in it.
      await page.fill('#password', 'browser-password-1');
      await page.fill('#confirm', 'browser-password-2');
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(await page.locator('.error').innerText()).toBe('The two passwords differ.');

      await page.fill('#password', 'browser-password-1');
      await page.fill('#confirm', 'browser-password-1');
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(await page.locator('h1').innerText()).toBe('Password changed');
      await page.screenshot({ path: join(SCREENSHOTS, 'reset-password-done.png') });
      expect(cspViolations).toEqual([]);

      await login(t.http, user.email, 'browser-password-1');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'opens the verification link and verifies with the button',
    async () => {
      const user = await signUp(t.http);
      const link = linkIn(await smtp.waitFor(user.email, SUBJECTS.verify));
      await page.goto(`${t.url}${link.path}`, { waitUntil: 'load' });
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(await page.locator('h1').innerText()).toBe('Email verified');
      const me = await t.http().get('/users/me').set('Authorization', user.bearer).expect(200);
      expect(me.body).toMatchObject({ emailVerified: true });
      expect(cspViolations).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
