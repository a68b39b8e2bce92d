import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Takes the caller's X-Request-Id when it is a short, safe token (it ends up in logs and headers),
 * otherwise generates one; echoes it on the response. Runs before everything else, so the request logger and
 * the problem responses of the body parser see it.
 */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const given = req.headers['x-request-id'];
  const candidate = Array.isArray(given) ? given[0] : given;
  const id = candidate !== undefined && SAFE_ID.test(candidate) ? candidate : randomUUID();
  (req as Request & { id: string }).id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  next();
}
