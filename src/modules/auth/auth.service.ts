import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { AuthUser } from '../../common/auth/role';
import type { AppConfig } from '../../config/configuration';
import { UserDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';
import { InvalidCredentials } from './auth.exceptions';
import { EmailNotVerified } from './email-not-verified.exception';
import { RegisterDto, TokensDto } from './dto/auth.dto';
import { SessionsService } from './sessions.service';

/** Sign-up, sign-in and the token pair a client holds; sessions themselves are SessionsService's. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  private readonly accessTtlSeconds: number;
  private readonly refreshTtlSeconds: number;
  private readonly requireVerifiedEmail: boolean;

  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly jwtService: JwtService,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.accessTtlSeconds = config.get('jwt', { infer: true }).accessTtlSeconds;
    this.refreshTtlSeconds = config.get('auth', { infer: true }).refreshTtlSeconds;
    this.requireVerifiedEmail = config.get('accounts', { infer: true }).requireVerifiedEmail;
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
    // Checked only once the password proved right: it tells nothing to someone guessing.
    if (this.requireVerifiedEmail && !(await this.users.getById(user.id)).emailVerified) {
      throw new EmailNotVerified();
    }
    this.logger.log({ event: 'auth.login', userId: user.id });
    return this.tokens(user, await this.sessions.start(user.id));
  }

  async refresh(presented: string): Promise<TokensDto> {
    const rotated = await this.sessions.rotate(presented);
    return this.tokens(rotated.user, rotated.refreshToken);
  }

  /** Ends the session of the refresh token, if one is presented. */
  async logout(presented: string | undefined): Promise<void> {
    if (presented) await this.sessions.end(presented);
  }

  async logoutAll(user: AuthUser): Promise<void> {
    await this.sessions.endAll(user.id);
    this.logger.log({ event: 'auth.logout_all', userId: user.id });
  }

  private async tokens(user: AuthUser, refreshToken: string): Promise<TokensDto> {
    const accessToken = await this.jwtService.signAsync({ sub: user.id, role: user.role });
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.accessTtlSeconds,
      refreshToken,
      refreshExpiresIn: this.refreshTtlSeconds,
    };
  }
}
