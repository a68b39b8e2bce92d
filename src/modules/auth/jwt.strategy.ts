import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AuthUser } from '../../common/auth/role';
import type { AppConfig } from '../../config/configuration';
import { UsersService } from '../users/users.service';
import { JWT_KEYS, JwtKeys } from './jwt-keys';

interface AccessTokenClaims {
  sub?: unknown;
  exp?: unknown;
  iat?: unknown;
}

/**
 * Bearer tokens from the Authorization header only, the configured algorithm only, issuer and
 * audience checked, `exp` required. The user is looked up on every request, so a deactivated or
 * deleted account loses access at once rather than when its token expires.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    private readonly users: UsersService,
    @Inject(JWT_KEYS) keys: JwtKeys,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    const jwt = config.get('jwt', { infer: true });
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt passes the key straight to jsonwebtoken, which takes a KeyObject (see
      // jwt-keys.ts for why); passport-jwt's typings only know string | Buffer.
      secretOrKey: keys.verificationKey as unknown as Buffer,
      algorithms: [keys.algorithm],
      issuer: jwt.issuer,
      audience: jwt.audience,
      ignoreExpiration: false,
    });
  }

  async validate(claims: AccessTokenClaims): Promise<AuthUser | null> {
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return null;
    if (typeof claims.iat !== 'number') return null;
    const session = await this.users.findActiveSession(claims.sub);
    if (!session) return null;
    // iat has one-second resolution: compare whole seconds so a token issued just after the
    // cut-off, within the same second, is not refused.
    const cutOff = session.sessionsValidAfter;
    if (cutOff !== null && claims.iat < Math.floor(cutOff / 1000)) return null;
    return session.user;
  }
}
