import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuthUser } from '../../common/auth/role';
import { UsersService } from '../users/users.service';

export type AccessTokenRejection = 'unauthorized' | 'token_expired';

export type AccessTokenCheck =
  | { ok: true; user: AuthUser; /** epoch seconds */ expiresAt: number; issuedAt: number }
  | { ok: false; reason: AccessTokenRejection };

interface AccessTokenClaims {
  sub?: unknown;
  exp?: unknown;
  iat?: unknown;
}

/**
 * Checks an access token outside HTTP (websockets) with the same rules as the JWT strategy: the
 * configured algorithm, issuer and audience (JwtModule's verifyOptions), `exp` and `iat` required,
 * the account active and the token issued after the user's sessions cut-off.
 */
@Injectable()
export class AccessTokenVerifier {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
  ) {}

  async verify(token: string): Promise<AccessTokenCheck> {
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims & object>(token);
    } catch (error) {
      const expired = (error as Error | undefined)?.name === 'TokenExpiredError';
      return { ok: false, reason: expired ? 'token_expired' : 'unauthorized' };
    }
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') {
      return { ok: false, reason: 'unauthorized' };
    }
    if (typeof claims.iat !== 'number') return { ok: false, reason: 'unauthorized' };
    const session = await this.users.findActiveSession(claims.sub);
    if (!session || !this.issuedAfterCutOff(claims.iat, session.sessionsValidAfter)) {
      return { ok: false, reason: 'unauthorized' };
    }
    return { ok: true, user: session.user, expiresAt: claims.exp, issuedAt: claims.iat };
  }

  /**
   * Re-checks a user already accepted with a token issued at `issuedAt` (epoch seconds): null when
   * the account is gone, deactivated or signed out everywhere since.
   */
  async recheck(userId: string, issuedAt: number): Promise<AuthUser | null> {
    const session = await this.users.findActiveSession(userId);
    if (!session || !this.issuedAfterCutOff(issuedAt, session.sessionsValidAfter)) return null;
    return session.user;
  }

  // iat has one-second resolution: compare whole seconds, as the JWT strategy does.
  private issuedAfterCutOff(iat: number, cutOff: number | null): boolean {
    return cutOff === null || iat >= Math.floor(cutOff / 1000);
  }
}
