import { applyDecorators, UseGuards } from '@nestjs/common';
import { SkipThrottle, Throttle } from '@nestjs/throttler';
import type { AuthRequest } from '../../common/auth/request-of';
import { AUTH_THROTTLERS, AuthThrottlerGuard } from '../auth/auth-throttler.guard';

/** Counts a signed-in user's requests together, whatever address they come from. */
export function userTracker(req: Record<string, unknown>): string {
  return `user:${(req as unknown as AuthRequest).user?.id ?? ''}`;
}

/**
 * The auth rate limits (AUTH_RATE_LIMIT per AUTH_RATE_WINDOW, per client IP and per target):
 * `email` counts per email in the body (forgot password), `user` per signed-in user (resend,
 * email change).
 */
export function AccountThrottle(per: 'email' | 'user'): MethodDecorator {
  return applyDecorators(
    UseGuards(AuthThrottlerGuard),
    ...(per === 'user' ? [Throttle({ [AUTH_THROTTLERS.email]: { getTracker: userTracker } })] : []),
  );
}

/** Token routes: 32 random bytes cannot be guessed, so only the per-IP limit applies. */
export function TokenThrottle(): MethodDecorator {
  return applyDecorators(
    UseGuards(AuthThrottlerGuard),
    SkipThrottle({ [AUTH_THROTTLERS.email]: true }),
  );
}
