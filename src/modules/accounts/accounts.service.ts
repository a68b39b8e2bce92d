import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import type { AuthUser } from '../../common/auth/role';
import { TransactionRunner } from '../../database/transaction-runner';
import { AccountChangesService } from '../users/account-changes.service';
import { AccountTokensService } from './account-tokens.service';
import { CurrentPasswordWrong, NewEmailTaken, NewEmailUnchanged } from './account.exceptions';
import type { AcceptedDto, ChangeEmailDto } from './dto/account.dto';
import { MAIL_QUEUE, type MailQueue } from './mail-queue/mail.job';

export const FORGOT_ACCEPTED: AcceptedDto = {
  message: 'If an account with this email exists, a mail with a link is on its way.',
};
export const RESEND_ACCEPTED: AcceptedDto = {
  message: 'If your email is not verified yet, a new verification mail is on its way.',
};
export const EMAIL_CHANGE_ACCEPTED: AcceptedDto = {
  message: 'A mail with a confirmation link is on its way to the new address.',
};

const normalise = (email: string): string => email.trim().toLowerCase();

/**
 * The account flows: email verification, password reset, email change. A request only enqueues
 * mail (the lookups, the token and SMTP happen in the mail job); a link's token is spent in the
 * same transaction as the change it allows, so the change and the spending happen together or
 * not at all.
 */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger(AccountsService.name);

  constructor(
    private readonly accounts: AccountChangesService,
    private readonly tokens: AccountTokensService,
    private readonly tx: TransactionRunner,
    @Inject(MAIL_QUEUE) private readonly queue: MailQueue,
  ) {}

  async verifyEmail(token: string): Promise<void> {
    const now = new Date();
    const userId = await this.tx.run(async (m) => {
      const spent = await this.tokens.spend(m, { purpose: 'verify-email', token, now });
      await this.accounts.markEmailVerified(m, spent.userId, now);
      return spent.userId;
    });
    await this.accounts.forget(userId);
  }

  /** Same answer whatever the state of the account; the job sends nothing if already verified. */
  async resendVerification(user: AuthUser): Promise<AcceptedDto> {
    await this.queue.enqueue({ kind: 'verify-email', userId: user.id });
    return RESEND_ACCEPTED;
  }

  /**
   * Same answer, and the same work, for a known and an unknown email: the lookup happens in the
   * mail job, after the answer.
   */
  async forgotPassword(email: string): Promise<AcceptedDto> {
    await this.queue.enqueue({ kind: 'password-reset', email: normalise(email) });
    return FORGOT_ACCEPTED;
  }

  /** Sets the new password and ends every session of the account, if the token is good. */
  async resetPassword(input: { token: string; password: string }): Promise<void> {
    // Hashed before the token is looked at: a good and a bad token take the same time.
    const passwordHash = await this.accounts.hashPassword(input.password);
    const now = new Date();
    const userId = await this.tx.run(async (m) => {
      const spent = await this.tokens.spend(m, {
        purpose: 'password-reset',
        token: input.token,
        now,
      });
      await this.accounts.resetPassword(m, { userId: spent.userId, passwordHash, at: now });
      return spent.userId;
    });
    await this.accounts.forget(userId);
  }

  /**
   * Asks to move the account to a new email: the current password is required, a link goes to
   * the new address and a notice to the old one. Nothing changes until the link is used.
   */
  async requestEmailChange(user: AuthUser, input: ChangeEmailDto): Promise<AcceptedDto> {
    if (!(await this.accounts.passwordMatches(user.id, input.currentPassword))) {
      throw new CurrentPasswordWrong();
    }
    const current = await this.accounts.findById(user.id);
    const newEmail = normalise(input.newEmail);
    if (current && current.email === newEmail) throw new NewEmailUnchanged();
    // Sign-up already tells whether an email is taken; saying it here spares a useless mail.
    if (await this.accounts.findByEmail(newEmail)) throw new NewEmailTaken();
    await this.queue.enqueue({ kind: 'email-change', userId: user.id, newEmail });
    await this.queue.enqueue({
      kind: 'email-change-notice',
      userId: user.id,
      oldEmail: current?.email ?? user.email,
      newEmail,
    });
    this.logger.log({ event: 'account.email_change.requested', userId: user.id });
    return EMAIL_CHANGE_ACCEPTED;
  }

  /** Moves the account to the email the token confirms (409 email_taken if taken meanwhile). */
  async confirmEmailChange(token: string): Promise<void> {
    const now = new Date();
    const userId = await this.tx.run(async (m) => {
      const spent = await this.tokens.spend(m, { purpose: 'email-change', token, now });
      if (!spent.newEmail) throw new AppError('internal', 'An email-change token has no email.');
      await this.accounts.changeEmail(m, {
        userId: spent.userId,
        newEmail: spent.newEmail,
        at: now,
      });
      return spent.userId;
    });
    await this.accounts.forget(userId);
  }
}
