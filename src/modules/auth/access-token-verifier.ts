import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuthUser } from '../../common/auth/role';
import { AppError } from '../../common/errors/app-error';
import { TokenExpired, TokenInvalid } from './auth.exceptions';
import { SessionsService } from './sessions.service';

export type AccessTokenRejection = 'unauthorized' | 'token_expired';

export type AccessTokenCheck =
  | { ok: true; user: AuthUser; /** epoch seconds */ expiresAt: number; issuedAt: number }
  | { ok: false; reason: AccessTokenRejection };

interface AccessTokenClaims {
  sub?: unknown;
  exp?: unknown;
  iat?: unknown;
  sid?: unknown;
}

/** `Bearer <token>`, the scheme case-insensitive; words after the token are ignored. */
const BEARER = /(\S+)\s+(\S+)/;

/**
 * The one place an access token is checked, for HTTP, websockets and GraphQL alike: the configured
 * algorithm, issuer and audience (JwtModule's verifyOptions), `exp` and `iat` required, the account
 * active, the token issued after the user's sessions cut-off and its session (`sid`) not ended. A deactivated or signed-out user
 * loses access at once rather than when the token expires.
 */
@Injectable()
export class AccessTokenVerifier {
  constructor(
    private readonly jwt: JwtService,
    private readonly sessions: SessionsService,
  ) {}

  /** Checks the value of an Authorization header; only the Bearer scheme carries a token. */
  authenticate(authorization: unknown): Promise<AccessTokenCheck> {
    const match = typeof authorization === 'string' ? BEARER.exec(authorization) : null;
    if (!match || match[1]?.toLowerCase() !== 'bearer' || !match[2]) {
      return Promise.resolve({ ok: false, reason: 'unauthorized' });
    }
    return this.verify(match[2]);
  }

  /** The user of an Authorization header, or the domain error (token_expired, token_invalid). */
  async requireUser(authorization: unknown): Promise<AuthUser> {
    const check = await this.authenticate(authorization);
    if (!check.ok) throw rejectionError(check.reason);
    return check.user;
  }

  async verify(token: string): Promise<AccessTokenCheck> {
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims & object>(token);
    } catch (error) {
      const expired = (error as Error | undefined)?.name === 'TokenExpiredError';
      return { ok: false, reason: expired ? 'token_expired' : 'unauthorized' };
    }
    const { sub, exp, iat, sid } = claims;
    if (typeof sub !== 'string' || typeof exp !== 'number' || typeof iat !== 'number') {
      return { ok: false, reason: 'unauthorized' };
    }
    if (sid !== undefined && typeof sid !== 'string') return { ok: false, reason: 'unauthorized' };
    const user = await this.sessions.userForAccessToken(sub, iat, sid);
    if (!user) return { ok: false, reason: 'unauthorized' };
    return { ok: true, user, expiresAt: exp, issuedAt: iat };
  }

  /**
   * Re-checks a user already accepted with a token issued at `issuedAt` (epoch seconds) for the
   * session `sessionId` (its `sid`): null when the account is gone, deactivated, signed out
   * everywhere since, or that session has ended.
   */
  recheck(user: AuthUser, issuedAt: number): Promise<AuthUser | null> {
    return this.sessions.userForAccessToken(user.id, issuedAt, user.sessionId);
  }
}

function rejectionError(reason: AccessTokenRejection): AppError {
  return reason === 'token_expired' ? new TokenExpired() : new TokenInvalid();
}
