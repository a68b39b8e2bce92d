import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Locator, Page } from 'playwright-core';
import { UserInput, buildUserInput } from './factories/user.factory';
import { login } from './helpers/auth';
import {
  describeBrowser,
  launchChromium,
  openPage,
  requireChromium,
  TEST_TIMEOUT_MS,
  UI_TIMEOUT_MS,
} from './helpers/chromium';
import { startApp, TestApp } from './helpers/test-app';

/**
 * Swagger UI at /docs, driven in Debian's Chromium: sign in through "Try it out" on POST
 * /auth/login, authorize with the access token shown, then call GET /users/me and POST /items and
 * read what the UI shows. The browser does not care which database is behind the API, so this runs
 * on the embedded profile only. In CI a missing Chromium fails the run; elsewhere it skips.
 */
const SCREENSHOTS = join(__dirname, '..', 'test-output', 'swagger-ui');
const VIEWPORT = { width: 1280, height: 1000 };

const describeBrowserSpec = describeBrowser('swagger-ui.e2e-spec');

/** One operation block of Swagger UI, e.g. `#operations-users-UsersController_me`. */
function operation(page: Page, tag: string, operationId: string): Locator {
  return page.locator(`#operations-${tag}-${operationId}`);
}

/** Expands the operation, presses "Try it out", optionally replaces the JSON body, executes. */
async function execute(op: Locator, body?: unknown): Promise<void> {
  await op.locator('.opblock-summary').first().click();
  await op.locator('.try-out__btn').click();
  if (body !== undefined) {
    await op.locator('textarea.body-param__text').fill(JSON.stringify(body, null, 2));
  }
  await op.locator('.execute').click();
}

/** The status code and body text of the live response Swagger UI shows under the operation. */
async function shownResponse(op: Locator): Promise<{ status: string; body: string }> {
  const row = op.locator('.live-responses-table tbody tr.response');
  const status = row.locator('td.response-col_status');
  await status.waitFor({ timeout: UI_TIMEOUT_MS });
  const body = row.locator('.response-col_description .highlight-code pre.microlight').first();
  await body.waitFor({ timeout: UI_TIMEOUT_MS });
  return {
    status: ((await status.innerText()).match(/\d{3}/) ?? [''])[0],
    body: await body.innerText(),
  };
}

/**
 * Folds every section but `tag` (and the schemas), then captures the page from its top down to the
 * response shown under `op`, so one picture holds the Authorize button and that response. (An
 * element screenshot would not: Swagger UI's sticky scheme bar gets painted over the element.)
 */
async function screenshotDownTo(
  page: Page,
  { tag, op, file }: { tag: string; op: Locator; file: string },
): Promise<void> {
  const openSections = page.locator('h3.opblock-tag[data-is-open="true"]');
  const open: string[] = [];
  for (const header of await openSections.all())
    open.push((await header.getAttribute('data-tag')) ?? '');
  for (const other of open.filter((name) => name !== tag)) {
    await page.locator(`h3.opblock-tag[data-tag="${other}"]`).click();
  }
  if (!open.includes(tag)) await page.locator(`h3.opblock-tag[data-tag="${tag}"]`).click();
  await expect(openSections.count()).resolves.toBe(1);
  const schemas = page.locator('section.models.is-open .models-control');
  if ((await schemas.count()) > 0) await schemas.click();

  await page.evaluate('window.scrollTo(0, 0)');
  const shown = await op.locator('.live-responses-table').boundingBox();
  if (shown === null) throw new Error(`no response shown under the ${tag} operation`);
  await page.setViewportSize({
    width: VIEWPORT.width,
    height: Math.ceil(shown.y + shown.height) + 24,
  });
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(SCREENSHOTS, file) });
}

describeBrowserSpec('Swagger UI in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let user: UserInput;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    requireChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startApp();
    user = buildUserInput();
    await t.http().post('/auth/register').send(user).expect(201);
    browser = await launchChromium();
    page = await openPage(browser, cspViolations, { viewport: VIEWPORT });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${t.url}/docs`, { waitUntil: 'load', timeout: UI_TIMEOUT_MS });
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it(
    'renders the document under the page security policy',
    async () => {
      await page.locator('.swagger-ui .info .title').filter({ hasText: 'Keel API' }).waitFor();
      await operation(page, 'users', 'UsersController_me').waitFor();
      expect(cspViolations).toEqual([]);
      expect(pageErrors).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'signs in with "Try it out", authorizes with the token shown, then GET /users/me → 200 and POST /items → 201',
    async () => {
      const loginOp = operation(page, 'auth', 'AuthController_login');
      await execute(loginOp, { email: user.email, password: user.password });
      const signedIn = await shownResponse(loginOp);
      expect(signedIn.status).toBe('200');
      const { accessToken } = JSON.parse(signedIn.body) as { accessToken: string };
      expect(accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

      await page.locator('.scheme-container .btn.authorize').click();
      const dialog = page.locator('.dialog-ux .modal-ux');
      await dialog.locator('input[aria-label="auth-bearer-value"]').fill(accessToken);
      await dialog.locator('.auth-btn-wrapper .btn.authorize').click();
      // Once authorized the dialog offers "Logout" for the scheme instead of "Authorize".
      await dialog.locator('.auth-btn-wrapper button[aria-label="Remove authorization"]').waitFor();
      await dialog.locator('.btn-done').click();
      await page.locator('.scheme-container .btn.authorize.locked').waitFor();

      // GET /users/me now carries the token: 200 with the signed-in user.
      const meOp = operation(page, 'users', 'UsersController_me');
      await execute(meOp);
      const me = await shownResponse(meOp);
      expect(me.status).toBe('200');
      expect(JSON.parse(me.body)).toMatchObject({ email: user.email, role: 'user' });
      // The curl Swagger UI shows for the request carries the bearer token.
      await expect(meOp.locator('.curl-command').innerText()).resolves.toContain(
        'Authorization: Bearer ',
      );

      // POST /items with a body edited in the UI: 201 with the new item.
      const title = `From Swagger UI ${Date.now()}`;
      const createOp = operation(page, 'items', 'ItemsController_create');
      await execute(createOp, { title, body: 'typed into the browser', tags: ['ui'] });
      const created = await shownResponse(createOp);
      expect(created.status).toBe('201');
      const item = JSON.parse(created.body) as { id: string };
      expect(item).toMatchObject({ title, tags: ['ui'], status: 'draft' });

      // The item Swagger UI created is stored and owned by the user it authorized as.
      const owner = await login(t.http, user.email, user.password);
      const stored = await t.http().get(`/items/${item.id}`).set('Authorization', owner.bearer);
      expect(stored.status).toBe(200);
      expect(stored.body).toMatchObject({ id: item.id, title, ownerId: owner.id });

      // Pictures of what a user sees: the locked Authorize button above each response.
      await screenshotDownTo(page, { tag: 'users', op: meOp, file: 'authorized-users-me-200.png' });
      await screenshotDownTo(page, { tag: 'items', op: createOp, file: 'items-create-201.png' });
    },
    TEST_TIMEOUT_MS,
  );
});
