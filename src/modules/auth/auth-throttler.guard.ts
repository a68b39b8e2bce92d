import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { requestOf, responseOf } from '../../common/auth/request-of';
import { RateLimited } from './auth.exceptions';

/** The throttlers applied to sign-in and sign-up: per client IP and per target email. */
export const AUTH_THROTTLERS = { ip: 'auth-ip', email: 'auth-email' } as const;

/** Tracks by email so that spreading attempts over many IPs does not help against one account. */
export function emailTracker(req: Record<string, unknown>): string {
  const body = req.body as { email?: unknown } | undefined;
  const email = typeof body?.email === 'string' ? body.email.trim().toLowerCase() : '';
  return `email:${email}`;
}

/**
 * Answers 429 in the project's problem format with a plain `Retry-After` header. Guards the GraphQL
 * register/login mutations too: there the email is read from the mutation's `input`.
 */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  protected override getRequestResponse(context: ExecutionContext): {
    req: Record<string, unknown>;
    res: Record<string, unknown>;
  } {
    if (context.getType<string>() !== 'graphql') return super.getRequestResponse(context);
    const args = context.getArgByIndex<{ input?: unknown }>(1);
    // A view of the request whose body is the mutation's input: ip and headers read through.
    const req = Object.create(requestOf(context), { body: { value: args.input } }) as Record<
      string,
      unknown
    >;
    return { req, res: responseOf(context) as unknown as Record<string, unknown> };
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    return Promise.reject(new RateLimited(detail.timeToBlockExpire));
  }
}
