import { existsSync } from 'node:fs';
import { Browser, BrowserContextOptions, chromium, Page } from 'playwright-core';

/**
 * Debian's Chromium for the browser e2e tests. The browser does not care which database is behind
 * the API, so they run on the embedded profile only. In CI a missing Chromium fails the run;
 * elsewhere the spec skips (and says so on stderr).
 */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];
// Two slow shared cores: every wait in the browser is generous.
export const UI_TIMEOUT_MS = 30_000;
export const TEST_TIMEOUT_MS = 120_000;

const inCi = process.env.CI === 'true' || process.env.CI === '1';
const haveChromium = existsSync(CHROMIUM);
const onThisProfile = process.env.KEEL_TEST_PROFILE === 'sqlite';

/** `describe` where the browser spec runs, `describe.skip` (with a note on stderr) elsewhere. */
export function describeBrowser(spec: string): jest.Describe {
  if (onThisProfile && !haveChromium && !inCi) {
    process.stderr.write(
      `${spec}: skipped, no Chromium at ${CHROMIUM} (apt-get install chromium)\n`,
    );
  }
  return onThisProfile && (haveChromium || inCi) ? describe : describe.skip;
}

/** Fails (in CI) when Chromium is missing; call first in beforeAll. */
export function requireChromium(): void {
  if (!haveChromium) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: the browser test cannot be skipped in CI (apt-get install chromium)`,
    );
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A page with the generous default timeout; CSP violations from its console go to `csp`. */
export async function openPage(
  browser: Browser,
  csp: string[],
  options?: BrowserContextOptions,
): Promise<Page> {
  const page = await browser.newPage(options);
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) csp.push(message.text());
  });
  return page;
}
