import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/** A header helmet sets, with its value, in helmet's order. */
export type StaticHeader = readonly [name: string, value: string];

/**
 * Headers helmet may remove: Express's own `X-Powered-By`, which configureApp disables at the
 * source (`app.disable('x-powered-by')`), so there is nothing left to remove per request.
 */
const REMOVED_AT_SOURCE = new Set(['x-powered-by']);

/**
 * Runs helmet's middleware once, at boot, against a recording response and returns the headers it
 * set. Keel's helmet options hold no per-request directive (no nonce, no function), so every
 * request would get exactly these; anything dynamic or unexpected fails the boot instead of being
 * silently frozen.
 */
export function helmetHeaders(options: Readonly<HelmetOptions>): StaticHeader[] {
  const dynamic = functionPath(options, 'options');
  if (dynamic !== null) throw new Error(`helmet ${dynamic} is a per-request directive`);
  const set = new Map<string, StaticHeader>();
  const recorder = {
    setHeader(name: string, value: number | string | readonly string[]): void {
      if (typeof value !== 'string') throw new Error(`helmet set ${name} to a non-string value`);
      set.set(name.toLowerCase(), [name, value]);
    },
    removeHeader(name: string): void {
      if (!REMOVED_AT_SOURCE.has(name.toLowerCase())) {
        throw new Error(`helmet removes ${name}, which Keel does not remove at the source`);
      }
    },
  };
  let done = false;
  helmet(options)(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (err?: unknown): void => {
      if (err !== undefined) throw err instanceof Error ? err : new Error('helmet failed at boot');
      done = true;
    },
  );
  // helmet calls next synchronously when every directive is a constant.
  if (!done) throw new Error('helmet did not finish synchronously');
  return [...set.values()];
}

/** Where a function (a directive computed per request) sits in helmet's options, if anywhere. */
function functionPath(value: unknown, path: string): string | null {
  if (typeof value === 'function') return path;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, inner] of Object.entries(value)) {
    const found = functionPath(inner, `${path}.${key}`);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Express middleware setting headers computed once: one loop of `setHeader` per request instead of
 * helmet's chain of a dozen middleware functions, each re-checking its options.
 */
export function staticHeadersMiddleware(
  forPath: (path: string) => readonly StaticHeader[],
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const headers = forPath(req.path);
    for (let i = 0; i < headers.length; i += 1) {
      const header = headers[i];
      res.setHeader(header[0], header[1]);
    }
    next();
  };
}
