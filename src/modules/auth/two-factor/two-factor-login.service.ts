import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AuthUser } from '../../../common/auth/role';
import type { AppConfig } from '../../../config/configuration';
import { UsersService } from '../../users/users.service';
import type { TokensDto } from '../dto/auth.dto';
import { SessionTokens } from '../session-tokens';
import type { ClientInfo } from '../sessions/client-info';
import type { TwoFactorChallengeDto } from './two-factor.dto';
import { TwoFactorChallengeInvalid, TwoFactorCodeInvalid } from './two-factor.exceptions';
import { TwoFactorChallengeEntity } from './two-factor-challenge.entity';
import { TwoFactorRepository } from './two-factor.repository';
import { type SecondFactor, TwoFactorService } from './two-factor.service';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/**
 * The second step of signing in with two-factor on: login (after the password) gets a challenge
 * instead of tokens; the challenge and a valid code get the tokens. A challenge is random, stored
 * only hashed, expires after TWO_FACTOR_CHALLENGE_TTL and is spent by the one verify that succeeds.
 */
@Injectable()
export class TwoFactorLogin {
  private readonly logger = new Logger(TwoFactorLogin.name);
  private readonly ttlMs: number;

  constructor(
    private readonly twoFactor: TwoFactorService,
    private readonly repo: TwoFactorRepository,
    private readonly users: UsersService,
    private readonly tokens: SessionTokens,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.ttlMs = config.get('twoFactor', { infer: true }).challengeTtlSeconds * 1000;
  }

  /** Null when the user has two-factor off (sign in at once), else the challenge to answer. */
  async challengeFor(user: AuthUser): Promise<TwoFactorChallengeDto | null> {
    if (!(await this.twoFactor.isEnabled(user.id))) return null;
    const challenge = randomBytes(32).toString('base64url');
    const now = Date.now();
    await this.repo.insertChallenge(
      Object.assign(new TwoFactorChallengeEntity(), {
        id: randomUUID(),
        userId: user.id,
        challengeHash: sha256(challenge),
        expiresAt: new Date(now + this.ttlMs),
        usedAt: null,
      }),
    );
    return { twoFactorRequired: true, challenge, expiresIn: Math.floor(this.ttlMs / 1000) };
  }

  async verify(challenge: string, factor: SecondFactor, client: ClientInfo): Promise<TokensDto> {
    const found = await this.repo.findChallenge(sha256(challenge));
    if (!found || found.usedAt || found.expiresAt.getTime() <= Date.now()) {
      throw new TwoFactorChallengeInvalid();
    }
    if (!(await this.twoFactor.verify(found.userId, factor))) {
      this.logger.warn({ event: 'auth.2fa.failed', userId: found.userId });
      throw new TwoFactorCodeInvalid();
    }
    if (!(await this.repo.spendChallenge(found.id, new Date()))) {
      throw new TwoFactorChallengeInvalid();
    }
    const account = await this.users.findActiveAccount(found.userId);
    if (!account) throw new TwoFactorChallengeInvalid();
    this.logger.log({ event: 'auth.login', userId: found.userId, twoFactor: true });
    return this.tokens.open(account.user, client);
  }
}
