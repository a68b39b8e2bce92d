import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AuthUser } from '../../common/auth/role';
import type { AppConfig } from '../../config/configuration';
import { UserDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';
import { InvalidCredentials, RefreshTokenInvalid } from './auth.exceptions';
import { RegisterDto } from './dto/auth.dto';
import { TokensDto } from './dto/auth.dto';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  private readonly jwt: AppConfig['jwt'];
  private readonly auth: AppConfig['auth'];

  constructor(
    private readonly users: UsersService,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly jwtService: JwtService,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.jwt = config.get('jwt', { infer: true });
    this.auth = config.get('auth', { infer: true });
  }

  register(input: RegisterDto): Promise<UserDto> {
    // Role is never taken from the request: the DTO has no such field and forbids unknown ones.
    return this.users.create({ ...input, role: 'user' });
  }

  async login(email: string, password: string): Promise<TokensDto> {
    const user = await this.users.verifyCredentials(email, password);
    if (!user) {
      this.logger.warn({ event: 'auth.login.failed' });
      throw new InvalidCredentials();
    }
    this.logger.log({ event: 'auth.login', userId: user.id });
    return this.issue(user, randomUUID());
  }

  /**
   * Rotates a refresh token. A token that was already used or revoked is a sign of theft: the whole
   * family (every token descended from that login) is revoked and the caller must sign in again.
   */
  async refresh(presented: string): Promise<TokensDto> {
    const token = await this.refreshTokens.findByHash(sha256(presented));
    const now = new Date();
    if (!token) throw new RefreshTokenInvalid();
    if (token.usedAt || token.revokedAt) {
      await this.refreshTokens.revokeFamily(token.familyId, now);
      this.logger.warn({
        event: 'auth.refresh.reuse',
        userId: token.userId,
        familyId: token.familyId,
      });
      throw new RefreshTokenInvalid();
    }
    if (token.expiresAt.getTime() <= now.getTime()) throw new RefreshTokenInvalid();

    const session = await this.users.findActiveSession(token.userId);
    const cutOff = session?.sessionsValidAfter ?? null;
    if (!session || (cutOff !== null && token.createdAt.getTime() < cutOff)) {
      await this.refreshTokens.revokeFamily(token.familyId, now);
      throw new RefreshTokenInvalid();
    }
    if (!(await this.refreshTokens.markUsedIfFresh(token.id, now))) {
      // Lost a race with another refresh of the same token: that is reuse too.
      await this.refreshTokens.revokeFamily(token.familyId, now);
      throw new RefreshTokenInvalid();
    }
    return this.issue(session.user, token.familyId);
  }

  /** Ends the session the refresh token belongs to. Unknown tokens are ignored (idempotent). */
  async logout(presented: string | undefined): Promise<void> {
    if (!presented) return;
    const token = await this.refreshTokens.findByHash(sha256(presented));
    if (token) await this.refreshTokens.revokeFamily(token.familyId, new Date());
  }

  /** Ends every session: refresh tokens are revoked and access tokens issued so far are refused. */
  async logoutAll(user: AuthUser): Promise<void> {
    await this.refreshTokens.revokeAllForUser(user.id, new Date());
    await this.users.endAllSessions(user.id);
    this.logger.log({ event: 'auth.logout_all', userId: user.id });
  }

  private async issue(user: AuthUser, familyId: string): Promise<TokensDto> {
    const refreshToken = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.refreshTokens.insert(
      Object.assign(new RefreshTokenEntity(), {
        id: randomUUID(),
        userId: user.id,
        familyId,
        tokenHash: sha256(refreshToken),
        expiresAt: new Date(now.getTime() + this.auth.refreshTtlSeconds * 1000),
        usedAt: null,
        revokedAt: null,
        createdAt: now,
      }),
    );
    const accessToken = await this.jwtService.signAsync({ sub: user.id, role: user.role });
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.jwt.accessTtlSeconds,
      refreshToken,
      refreshExpiresIn: this.auth.refreshTtlSeconds,
    };
  }
}
