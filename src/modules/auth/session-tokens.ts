import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import type { AuthUser } from '../../common/auth/role';
import type { AppConfig } from '../../config/configuration';
import type { TokensDto } from './dto/auth.dto';
import { SessionsService } from './sessions.service';
import type { ClientInfo } from './sessions/client-info';

/**
 * The token pair a client holds: a new session for a user who has just proved who they are
 * (password, or password then second factor), or the next pair of an existing one. The access
 * token carries the session id as `sid`, so ending the session refuses it at once.
 */
@Injectable()
export class SessionTokens {
  private readonly accessTtlSeconds: number;
  private readonly refreshTtlSeconds: number;

  constructor(
    private readonly sessions: SessionsService,
    private readonly jwtService: JwtService,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.accessTtlSeconds = config.get('jwt', { infer: true }).accessTtlSeconds;
    this.refreshTtlSeconds = config.get('auth', { infer: true }).refreshTtlSeconds;
  }

  async open(user: AuthUser, client: ClientInfo): Promise<TokensDto> {
    const session = await this.sessions.start(user.id, client);
    return this.tokens(user, session.sessionId, session.refreshToken);
  }

  async rotate(presented: string, client: ClientInfo): Promise<TokensDto> {
    const rotated = await this.sessions.rotate(presented, client);
    return this.tokens(rotated.user, rotated.sessionId, rotated.refreshToken);
  }

  private async tokens(
    user: AuthUser,
    sessionId: string,
    refreshToken: string,
  ): Promise<TokensDto> {
    const accessToken = await this.jwtService.signAsync({
      sub: user.id,
      role: user.role,
      sid: sessionId,
    });
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.accessTtlSeconds,
      refreshToken,
      refreshExpiresIn: this.refreshTtlSeconds,
    };
  }
}
