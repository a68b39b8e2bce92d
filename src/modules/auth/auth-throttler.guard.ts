import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { RateLimited } from './auth.exceptions';

/** The throttlers applied to sign-in and sign-up: per client IP and per target email. */
export const AUTH_THROTTLERS = { ip: 'auth-ip', email: 'auth-email' } as const;

/** Tracks by email so that spreading attempts over many IPs does not help against one account. */
export function emailTracker(req: Record<string, unknown>): string {
  const body = req.body as { email?: unknown } | undefined;
  const email = typeof body?.email === 'string' ? body.email.trim().toLowerCase() : '';
  return `email:${email}`;
}

/** Answers 429 in the project's problem format with a plain `Retry-After` header. */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    return Promise.reject(new RateLimited(detail.timeToBlockExpire));
  }
}
