import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';

/** The handlers reserved per Express app and path, filled once their owner has started. */
const reserved = new WeakMap<Express, Map<string, { handler: RequestHandler | null }>>();

/**
 * Reserves `path`'s place in Express's router now, at this point of the middleware order, for a
 * handler that only exists later (Apollo's, created when the GraphQL module starts, after Nest has
 * registered every REST route). Mounted where it is reserved, a `/graphql` request no longer walks
 * past every REST route's layer first. Until filled, the place passes requests on.
 */
export function reserveMount(app: Express, path: string): void {
  const slot: { handler: RequestHandler | null } = { handler: null };
  const paths = reserved.get(app) ?? new Map<string, { handler: RequestHandler | null }>();
  paths.set(path, slot);
  reserved.set(app, paths);
  app.use(path, function reservedMount(req: Request, res: Response, next: NextFunction) {
    return slot.handler ? slot.handler(req, res, next) : next();
  });
}

/** The handler filled into `path`'s reserved place, or null (none reserved, or not filled yet). */
export function reservedHandler(app: Express, path: string): RequestHandler | null {
  return reserved.get(app)?.get(path)?.handler ?? null;
}

/**
 * Mounts `handler` at `path`: in the place reserveMount kept for it, else (an app set up without
 * that reservation) at the end of the router, as `app.use` would.
 */
export function fillMount(app: Express, path: string, handler: RequestHandler): void {
  const slot = reserved.get(app)?.get(path);
  if (slot) slot.handler = handler;
  else app.use(path, handler);
}
