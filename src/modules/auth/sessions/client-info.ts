import type { Request } from 'express';

/** Where a sign-in or refresh came from, as recorded on its session. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

const MAX_USER_AGENT = 512;

/** The client of a request: Express's req.ip (TRUST_PROXY decides whose X-Forwarded-For counts). */
export function clientOf(req: Request): ClientInfo {
  const agent = req.headers['user-agent'];
  return {
    ip: req.ip ?? null,
    userAgent:
      typeof agent === 'string' && agent.length > 0 ? agent.slice(0, MAX_USER_AGENT) : null,
  };
}
