import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { AuthUser } from '../../../common/auth/role';
import type { AppConfig } from '../../../config/configuration';
import { UsersService } from '../../users/users.service';
import { RateLimited } from '../auth.exceptions';
import { RateLimitStorage } from '../rate-limit.storage';
import type { RecoveryCodesDto, TwoFactorEnrolmentDto } from './two-factor.dto';
import {
  TwoFactorAlreadyEnabled,
  TwoFactorCodeInvalid,
  TwoFactorNotEnabled,
  TwoFactorNotPending,
  WrongPassword,
} from './two-factor.exceptions';
import { RecoveryCodeEntity } from './recovery-code.entity';
import { newRecoveryCode, RECOVERY_CODE_COUNT, recoveryCodeHash } from './recovery-codes';
import { SecretBox } from './secret-box';
import type { TwoFactorEntity } from './two-factor.entity';
import { TwoFactorRepository } from './two-factor.repository';

const PERIOD_SECONDS = 30;
/** Codes of the previous and next 30-second step are accepted too (clock drift, typing time). */
const WINDOW_STEPS = 1;
const THROTTLER = 'two-factor';

/** The second factor a sign-in or a sensitive change presents: a TOTP code or a recovery code. */
export interface SecondFactor {
  code?: string;
  recoveryCode?: string;
}

/**
 * TOTP two-factor: enrolment (pending until confirmed with a code), recovery codes (ten, single
 * use, stored hashed), disabling (password and a code), and the check of a second factor. A TOTP
 * code is accepted once: the last accepted time step is stored and only later ones pass. Every
 * attempt counts against the user's limit (TWO_FACTOR_RATE_LIMIT per AUTH_RATE_WINDOW) in the
 * auth rate-limit storage, shared by every process.
 */
@Injectable()
export class TwoFactorService {
  private readonly logger = new Logger(TwoFactorService.name);
  private readonly issuer: string;
  private readonly rateLimit: number;
  private readonly rateWindowMs: number;

  constructor(
    private readonly repo: TwoFactorRepository,
    private readonly box: SecretBox,
    private readonly users: UsersService,
    private readonly limits: RateLimitStorage,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    const twoFactor = config.get('twoFactor', { infer: true });
    this.issuer = twoFactor.issuer;
    this.rateLimit = twoFactor.rateLimit;
    this.rateWindowMs = config.get('auth', { infer: true }).rateWindowSeconds * 1000;
  }

  async enrol(user: AuthUser): Promise<TwoFactorEnrolmentDto> {
    const current = await this.repo.findByUser(user.id);
    if (current?.enabledAt) throw new TwoFactorAlreadyEnabled();
    const secret = new Secret({ size: 20 });
    await this.repo.savePending(user.id, this.box.seal(secret.base32), new Date());
    return { secret: secret.base32, otpauthUri: this.totp(user.email, secret).toString() };
  }

  async confirm(user: AuthUser, code: string): Promise<RecoveryCodesDto> {
    const pending = await this.repo.findByUser(user.id);
    if (!pending || pending.enabledAt) throw new TwoFactorNotPending();
    await this.countAttempt(user.id);
    if (!(await this.acceptTotp(pending, code))) throw new TwoFactorCodeInvalid();
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const rows = recoveryCodes.map((c) =>
      Object.assign(new RecoveryCodeEntity(), {
        id: randomUUID(),
        userId: user.id,
        codeHash: recoveryCodeHash(c),
        usedAt: null,
      }),
    );
    // Lost a race with another confirm (or a new enrolment): that secret is no longer pending.
    if (!(await this.repo.enable(user.id, new Date(), rows))) throw new TwoFactorNotPending();
    this.logger.log({ event: 'auth.2fa.enabled', userId: user.id });
    return { recoveryCodes };
  }

  /** Turns two-factor off: needs the password and a TOTP or recovery code. */
  async disable(user: AuthUser, input: { password: string; code: string }): Promise<void> {
    const current = await this.repo.findByUser(user.id);
    if (!current?.enabledAt) throw new TwoFactorNotEnabled();
    await this.countAttempt(user.id);
    if (!(await this.users.verifyCredentials(user.email, input.password))) {
      throw new WrongPassword();
    }
    const factor: SecondFactor = /^\d{6}$/.test(input.code)
      ? { code: input.code }
      : { recoveryCode: input.code };
    if (!(await this.checkEnabled(current, factor))) throw new TwoFactorCodeInvalid();
    await this.repo.remove(user.id);
    this.logger.log({ event: 'auth.2fa.disabled', userId: user.id });
  }

  async isEnabled(userId: string): Promise<boolean> {
    return Boolean((await this.repo.findByUser(userId))?.enabledAt);
  }

  /** Counts one attempt for the user and checks the factor: false when it is wrong or spent. */
  async verify(userId: string, factor: SecondFactor): Promise<boolean> {
    const current = await this.repo.findByUser(userId);
    if (!current?.enabledAt) return false;
    await this.countAttempt(userId);
    return this.checkEnabled(current, factor);
  }

  private async checkEnabled(current: TwoFactorEntity, factor: SecondFactor): Promise<boolean> {
    if (factor.code !== undefined) return this.acceptTotp(current, factor.code);
    if (factor.recoveryCode === undefined) return false;
    return this.repo.useRecoveryCode(
      current.userId,
      recoveryCodeHash(factor.recoveryCode),
      new Date(),
    );
  }

  /** Checks a TOTP code (±1 step) and records its step, refused if that step or a later one was used. */
  private async acceptTotp(current: TwoFactorEntity, code: string): Promise<boolean> {
    const secret = Secret.fromBase32(this.box.open(current.secret));
    const nowMs = Date.now();
    const delta = new TOTP({ secret, period: PERIOD_SECONDS }).validate({
      token: code,
      timestamp: nowMs,
      window: WINDOW_STEPS,
    });
    if (delta === null) return false;
    const step = Math.floor(nowMs / 1000 / PERIOD_SECONDS) + delta;
    return this.repo.acceptStep(current.userId, step);
  }

  private async countAttempt(userId: string): Promise<void> {
    const record = await this.limits.increment(
      `2fa:${userId}`,
      this.rateWindowMs,
      this.rateLimit,
      this.rateWindowMs,
      THROTTLER,
    );
    if (record.isBlocked) throw new RateLimited(record.timeToBlockExpire);
  }

  private totp(label: string, secret: Secret): TOTP {
    return new TOTP({ issuer: this.issuer, label, secret, period: PERIOD_SECONDS });
  }
}
