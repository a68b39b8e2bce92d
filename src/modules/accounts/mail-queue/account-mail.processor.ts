import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../../../config/configuration';
import { MailService } from '../../mail/mail.service';
import { AccountChangesService } from '../../users/account-changes.service';
import { AccountLinks, describeDuration } from '../account-links';
import { AccountTokensService } from '../account-tokens.service';
import type { MailJob } from './mail.job';

/**
 * The one handler of the mail queue's jobs. A job that throws is retried by the queue with
 * backoff; a job with nothing to send (unknown email, already verified, account gone) completes
 * without a mail. Tokens are issued here, at send time: an attempt that fails leaves an unused
 * token nobody knows, which expires.
 */
@Injectable()
export class AccountMailProcessor {
  private readonly logger = new Logger(AccountMailProcessor.name);
  private readonly ttl: AppConfig['accounts'];

  constructor(
    private readonly accounts: AccountChangesService,
    private readonly tokens: AccountTokensService,
    private readonly mail: MailService,
    private readonly links: AccountLinks,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.ttl = config.get('accounts', { infer: true });
  }

  async run(job: MailJob): Promise<void> {
    switch (job.kind) {
      case 'verify-email':
        return this.verifyEmail(job.userId);
      case 'password-reset':
        return this.passwordReset(job.email);
      case 'email-change':
        return this.emailChange(job.userId, job.newEmail);
      case 'email-change-notice':
        return this.emailChangeNotice(job);
    }
  }

  private async verifyEmail(userId: string): Promise<void> {
    const user = await this.accounts.findById(userId);
    if (!user || !user.isActive || user.emailVerified) return this.skip('verify-email');
    const ttlSeconds = this.ttl.verifyTtlSeconds;
    const token = await this.tokens.issue({ purpose: 'verify-email', userId, ttlSeconds });
    const link = this.links.to('verifyEmail', token);
    await this.mail.send({
      to: user.email,
      template: 'verify-email',
      data: { displayName: user.displayName, link, expiresIn: describeDuration(ttlSeconds) },
      link,
    });
  }

  private async passwordReset(email: string): Promise<void> {
    const user = await this.accounts.findByEmail(email);
    // Unknown or deactivated: nothing is sent, and the requester was answered the same anyway.
    if (!user || !user.isActive) return this.skip('password-reset');
    const ttlSeconds = this.ttl.resetTtlSeconds;
    const token = await this.tokens.issue({
      purpose: 'password-reset',
      userId: user.id,
      ttlSeconds,
    });
    const link = this.links.to('resetPassword', token);
    await this.mail.send({
      to: user.email,
      template: 'password-reset',
      data: { displayName: user.displayName, link, expiresIn: describeDuration(ttlSeconds) },
      link,
    });
  }

  private async emailChange(userId: string, newEmail: string): Promise<void> {
    const user = await this.accounts.findById(userId);
    if (!user || !user.isActive) return this.skip('email-change');
    const ttlSeconds = this.ttl.emailChangeTtlSeconds;
    const token = await this.tokens.issue({
      purpose: 'email-change',
      userId,
      ttlSeconds,
      newEmail,
    });
    const link = this.links.to('confirmEmail', token);
    await this.mail.send({
      to: newEmail,
      template: 'email-change',
      data: {
        displayName: user.displayName,
        link,
        newEmail,
        expiresIn: describeDuration(ttlSeconds),
      },
      link,
    });
  }

  private async emailChangeNotice(job: {
    userId: string;
    oldEmail: string;
    newEmail: string;
  }): Promise<void> {
    const user = await this.accounts.findById(job.userId);
    if (!user) return this.skip('email-change-notice');
    await this.mail.send({
      to: job.oldEmail,
      template: 'email-change-notice',
      data: { displayName: user.displayName, newEmail: job.newEmail },
    });
  }

  private skip(kind: MailJob['kind']): void {
    this.logger.log({ event: 'mail.job.nothing_to_send', kind });
  }
}
