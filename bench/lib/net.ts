import type { ManagedChild } from './child';

export const LOOPBACK = '127.0.0.1';

// The tests' helper: one way to find a free port for both.
export { freePort } from '../../test/helpers/free-port';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `url` until it answers 200, the child exits, or the deadline passes. */
export async function waitForOk(
  url: string,
  child: ManagedChild,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exit !== null) {
      throw new Error(
        `${child.name} exited (${child.exit}) before ${url} was ready:\n${child.recentOutput()}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(200);
  }
  throw new Error(
    `${child.name}: ${url} not ready after ${timeoutMs} ms (${last}):\n${child.recentOutput()}`,
  );
}
