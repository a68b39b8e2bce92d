import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, IsNull, LessThan, Repository } from 'typeorm';
import { TransactionRunner } from '../../../database/transaction-runner';
import { RecoveryCodeEntity } from './recovery-code.entity';
import { TwoFactorChallengeEntity } from './two-factor-challenge.entity';
import { TwoFactorEntity } from './two-factor.entity';

/** Two-factor enrolments, recovery codes and login challenges. */
@Injectable()
export class TwoFactorRepository {
  constructor(
    @InjectRepository(TwoFactorEntity) private readonly repo: Repository<TwoFactorEntity>,
    private readonly tx: TransactionRunner,
  ) {}

  findByUser(userId: string): Promise<TwoFactorEntity | null> {
    return this.repo.findOneBy({ userId });
  }

  /** Starts (or restarts) a pending enrolment with a new secret. */
  async savePending(userId: string, sealedSecret: string, at: Date): Promise<void> {
    await this.tx.run(async (m) => {
      await m.delete(TwoFactorEntity, { userId, enabledAt: IsNull() });
      await m.insert(TwoFactorEntity, {
        userId,
        secret: sealedSecret,
        enabledAt: null,
        lastStep: null,
        createdAt: at,
      });
    });
  }

  /**
   * Records `step` as the last accepted TOTP step if it is later than the one recorded: the
   * conditional UPDATE makes a code (or an earlier one) usable once, even by concurrent requests.
   */
  async acceptStep(userId: string, step: number): Promise<boolean> {
    const result = await this.tx.run((m) =>
      m
        .createQueryBuilder()
        .update(TwoFactorEntity)
        .set({ lastStep: step })
        .where('user_id = :userId', { userId })
        .andWhere(
          new Brackets((q) => q.where('last_step IS NULL').orWhere('last_step < :step', { step })),
        )
        .execute(),
    );
    return (result.affected ?? 0) === 1;
  }

  /** Turns a pending enrolment on and replaces the recovery codes, in one transaction. */
  async enable(userId: string, at: Date, codes: RecoveryCodeEntity[]): Promise<boolean> {
    return this.tx.run(async (m) => {
      const result = await m.update(
        TwoFactorEntity,
        { userId, enabledAt: IsNull() },
        { enabledAt: at },
      );
      if ((result.affected ?? 0) !== 1) return false;
      await m.delete(RecoveryCodeEntity, { userId });
      await m.insert(RecoveryCodeEntity, codes);
      return true;
    });
  }

  /** Turns two-factor off: the enrolment, its recovery codes and pending challenges go. */
  async remove(userId: string): Promise<void> {
    await this.tx.run(async (m) => {
      await m.delete(TwoFactorChallengeEntity, { userId });
      await m.delete(RecoveryCodeEntity, { userId });
      await m.delete(TwoFactorEntity, { userId });
    });
  }

  /** Spends an unused recovery code of the user; false when there is none with this hash. */
  async useRecoveryCode(userId: string, codeHash: string, at: Date): Promise<boolean> {
    const result = await this.tx.run((m) =>
      m.update(RecoveryCodeEntity, { userId, codeHash, usedAt: IsNull() }, { usedAt: at }),
    );
    return (result.affected ?? 0) === 1;
  }

  /** Stores a new challenge; the user's expired ones are cleared on the way. */
  async insertChallenge(challenge: TwoFactorChallengeEntity): Promise<void> {
    await this.tx.run(async (m) => {
      await m.delete(TwoFactorChallengeEntity, {
        userId: challenge.userId,
        expiresAt: LessThan(new Date()),
      });
      await m.insert(TwoFactorChallengeEntity, challenge);
    });
  }

  findChallenge(challengeHash: string): Promise<TwoFactorChallengeEntity | null> {
    return this.tx.run((m) => m.findOneBy(TwoFactorChallengeEntity, { challengeHash }));
  }

  /** Spends the challenge if nobody did first (one sign-in per challenge). */
  async spendChallenge(id: string, at: Date): Promise<boolean> {
    const result = await this.tx.run((m) =>
      m.update(TwoFactorChallengeEntity, { id, usedAt: IsNull() }, { usedAt: at }),
    );
    return (result.affected ?? 0) === 1;
  }
}
