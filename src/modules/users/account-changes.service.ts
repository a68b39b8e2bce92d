import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../database/query-errors';
import type { UserDto } from './dto/user.dto';
import { PasswordHasher } from './password-hasher.service';
import { toUserDto } from './user.mapper';
import type { UserEntity } from './user.entity';
import { EmailTaken, UserNotFound } from './user.exceptions';
import { normaliseEmail, UsersService } from './users.service';
import { UsersRepository } from './users.repository';

/**
 * The account changes the account flows make (modules/accounts): verified email, password reset,
 * email change. Each runs in the caller's transaction (the one that consumes the flow's token), so
 * a token is spent only if the change is saved, and records its user.updated event with it.
 * After the transaction commits, the caller calls `forget` so the cached account is reloaded.
 */
@Injectable()
export class AccountChangesService {
  private readonly logger = new Logger(AccountChangesService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly hasher: PasswordHasher,
  ) {}

  /** The account with this email (normalised), or null. */
  async findByEmail(email: string): Promise<UserDto | null> {
    const user = await this.users.findByEmail(normaliseEmail(email));
    return user ? toUserDto(user) : null;
  }

  async findById(id: string): Promise<UserDto | null> {
    const user = await this.users.findById(id);
    return user ? toUserDto(user) : null;
  }

  /** True when the password is the account's (the hash is checked even for an unknown id). */
  async passwordMatches(userId: string, password: string): Promise<boolean> {
    const user = await this.users.findById(userId);
    if (!user) return this.hasher.verifyDecoy(password).then(() => false);
    return this.hasher.verify(user.passwordHash, password);
  }

  /** Hashes a new password outside any transaction (argon2 takes a while). */
  hashPassword(password: string): Promise<string> {
    return this.hasher.hash(password);
  }

  /** Marks the email verified (a no-op, without an event, when it already is). */
  async markEmailVerified(m: EntityManager, userId: string, at: Date): Promise<void> {
    const user = await this.lock(m, userId);
    if (user.emailVerified) return;
    user.emailVerified = true;
    user.emailVerifiedAt = at;
    await this.usersService.saveChange(m, user, 'user.updated', ['emailVerified'], at);
    this.logger.log({ event: 'user.email_verified', userId });
  }

  /**
   * Sets a new password hash and ends every session of the account (refresh tokens revoked,
   * access tokens issued before now refused), as a password change does.
   */
  async resetPassword(
    m: EntityManager,
    change: { userId: string; passwordHash: string; at: Date },
  ): Promise<void> {
    const user = await this.lock(m, change.userId);
    user.passwordHash = change.passwordHash;
    user.sessionsValidAfter = change.at;
    await this.usersService.sessionsCutOff?.endAllIn(
      m,
      change.userId,
      change.at,
      'password-changed',
    );
    await this.usersService.saveChange(m, user, 'user.updated', ['password'], change.at);
    this.logger.log({ event: 'user.password_reset', userId: change.userId });
  }

  /**
   * Moves the account to a new email, verified by the link that confirmed it. Another account
   * holding that email (taken since the change was asked for) fails with email_taken.
   */
  async changeEmail(
    m: EntityManager,
    change: { userId: string; newEmail: string; at: Date },
  ): Promise<void> {
    const user = await this.lock(m, change.userId);
    user.email = normaliseEmail(change.newEmail);
    user.emailVerified = true;
    user.emailVerifiedAt = change.at;
    try {
      await this.usersService.saveChange(
        m,
        user,
        'user.updated',
        ['email', 'emailVerified'],
        change.at,
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailTaken();
      throw error;
    }
    this.logger.log({ event: 'user.email_changed', userId: change.userId });
  }

  /** After the change's transaction committed: the cached account (email, cut-off) is stale. */
  forget(userId: string): Promise<void> {
    return this.usersService.forgetCached(userId);
  }

  private async lock(m: EntityManager, userId: string): Promise<UserEntity> {
    const user = await this.users.findForUpdate(m, userId);
    if (!user) throw new UserNotFound();
    return user;
  }
}
