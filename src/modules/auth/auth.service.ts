import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuthUser } from '../../common/auth/role';
import type { AppConfig } from '../../config/configuration';
import { UserDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';
import { InvalidCredentials } from './auth.exceptions';
import { EmailNotVerified } from './email-not-verified.exception';
import { RegisterDto, TokensDto } from './dto/auth.dto';
import { SessionTokens } from './session-tokens';
import { SessionsService } from './sessions.service';
import type { ClientInfo } from './sessions/client-info';
import type { TwoFactorChallengeDto } from './two-factor/two-factor.dto';
import { TwoFactorLogin } from './two-factor/two-factor-login.service';

/** What login answers: the tokens, or (two-factor on) the challenge to verify first. */
export type LoginResult = TokensDto | TwoFactorChallengeDto;

export const isChallenge = (result: LoginResult): result is TwoFactorChallengeDto =>
  'twoFactorRequired' in result;

/** Sign-up, sign-in and the token pair a client holds; sessions themselves are SessionsService's. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  private readonly requireVerifiedEmail: boolean;

  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly tokens: SessionTokens,
    private readonly twoFactor: TwoFactorLogin,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.requireVerifiedEmail = config.get('accounts', { infer: true }).requireVerifiedEmail;
  }

  register(input: RegisterDto): Promise<UserDto> {
    // Role is never taken from the request: the DTO has no such field and forbids unknown ones.
    return this.users.create({ ...input, role: 'user' });
  }

  async login(email: string, password: string, client: ClientInfo): Promise<LoginResult> {
    const user = await this.users.verifyCredentials(email, password);
    if (!user) {
      this.logger.warn({ event: 'auth.login.failed' });
      throw new InvalidCredentials();
    }
    // Checked only once the password proved right: it tells nothing to someone guessing.
    if (this.requireVerifiedEmail && !(await this.users.getById(user.id)).emailVerified) {
      throw new EmailNotVerified();
    }
    const challenge = await this.twoFactor.challengeFor(user);
    if (challenge) {
      this.logger.log({ event: 'auth.login.challenged', userId: user.id });
      return challenge;
    }
    this.logger.log({ event: 'auth.login', userId: user.id });
    return this.tokens.open(user, client);
  }

  refresh(presented: string, client: ClientInfo): Promise<TokensDto> {
    return this.tokens.rotate(presented, client);
  }

  /** Ends the session of the refresh token, if one is presented. */
  async logout(presented: string | undefined): Promise<void> {
    if (presented) await this.sessions.end(presented);
  }

  async logoutAll(user: AuthUser): Promise<void> {
    await this.sessions.endAll(user.id);
    this.logger.log({ event: 'auth.logout_all', userId: user.id });
  }
}
