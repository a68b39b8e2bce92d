import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Several middleware functions mounted as one Express layer: each calls the next directly instead
 * of going back through Express's router (its per-layer matching and bookkeeping) between them.
 * An error passed to a step, or thrown by one, goes to Express as from any middleware.
 */
export function chain(...handlers: readonly RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    let index = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined) {
        next(err);
        return;
      }
      const handler = handlers[index];
      index += 1;
      if (handler === undefined) {
        next();
        return;
      }
      void handler(req, res, step);
    };
    step();
  };
}
