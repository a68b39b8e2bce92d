import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppError } from '../../common/errors/app-error';
import { statusOf } from '../../common/errors/error-codes';
import { TemplateRenderer } from '../mail/template-renderer';
import { PASSWORD_LENGTH } from '../users/dto/user-fields.dto';
import { ACCOUNT_PAGES } from './account-links';
import { AccountsService } from './accounts.service';
import { ResetPasswordDto } from './dto/account.dto';

/** An HTML page and the status it is answered with. */
export interface Page {
  status: number;
  html: string;
}

const field = (body: unknown, name: string): string => {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

/**
 * The pages a mailed link opens. GET only shows a form (mail scanners prefetch links: a GET must
 * not spend the token); the form's POST, a plain HTML form without scripts, does the action
 * through AccountsService, as the JSON routes do, and answers with a result page.
 */
@Injectable()
export class AccountPagesService {
  constructor(
    private readonly renderer: TemplateRenderer,
    private readonly accounts: AccountsService,
  ) {}

  verifyEmailForm(token: string): Page {
    if (!token) return this.missingToken();
    return this.ok(
      this.renderer.page('verify-email', 'Verify your email', {
        token,
        action: ACCOUNT_PAGES.verifyEmail,
      }),
    );
  }

  verifyEmail(body: unknown): Promise<Page> {
    return this.outcome(() => this.accounts.verifyEmail(field(body, 'token')), {
      title: 'Email verified',
      message: 'Thank you: your email address is verified.',
    });
  }

  resetPasswordForm(token: string, error: string | null = null): Page {
    if (!token) return this.missingToken();
    const html = this.renderer.page('reset-password', 'Choose a new password', {
      token,
      action: ACCOUNT_PAGES.resetPassword,
      minLength: PASSWORD_LENGTH.min,
      maxLength: PASSWORD_LENGTH.max,
      error,
    });
    return { status: error ? 400 : 200, html };
  }

  async resetPassword(body: unknown): Promise<Page> {
    const token = field(body, 'token');
    const input = plainToInstance(ResetPasswordDto, { token, password: field(body, 'password') });
    // The same rules as POST /auth/password/reset (and sign-up), shown on the form again.
    const invalid = validateSync(input).flatMap((e) => Object.values(e.constraints ?? {}));
    if (invalid.length > 0) return this.resetPasswordForm(token, invalid.join('; '));
    if (input.password !== field(body, 'confirm')) {
      return this.resetPasswordForm(token, 'The two passwords differ.');
    }
    return this.outcome(() => this.accounts.resetPassword(input), {
      title: 'Password changed',
      message: 'Your new password is set and you were signed out everywhere: sign in with it.',
    });
  }

  confirmEmailForm(token: string): Page {
    if (!token) return this.missingToken();
    return this.ok(
      this.renderer.page('confirm-email', 'Confirm your new email', {
        token,
        action: ACCOUNT_PAGES.confirmEmail,
      }),
    );
  }

  confirmEmail(body: unknown): Promise<Page> {
    return this.outcome(() => this.accounts.confirmEmailChange(field(body, 'token')), {
      title: 'Email changed',
      message: 'Your account now uses its new email address.',
    });
  }

  private async outcome(
    action: () => Promise<void>,
    success: { title: string; message: string },
  ): Promise<Page> {
    try {
      await action();
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return {
        status: statusOf(error.code),
        html: this.renderer.page('result', 'That did not work', {
          title: 'That did not work',
          message: error.message,
          ok: false,
        }),
      };
    }
    return this.ok(this.renderer.page('result', success.title, { ...success, ok: true }));
  }

  private missingToken(): Page {
    return {
      status: 400,
      html: this.renderer.page('result', 'Link incomplete', {
        title: 'Link incomplete',
        message: 'This link has no token: open the link from the mail exactly as it was sent.',
        ok: false,
      }),
    };
  }

  private ok(html: string): Page {
    return { status: 200, html };
  }
}
