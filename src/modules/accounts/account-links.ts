import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../../config/configuration';

/** The pages the mailed links open (GET shows a form; only its POST spends the token). */
export const ACCOUNT_PAGES = {
  verifyEmail: '/account/verify-email',
  resetPassword: '/account/reset-password',
  confirmEmail: '/account/confirm-email',
} as const;

/** Builds the links put in mails from PUBLIC_URL. */
@Injectable()
export class AccountLinks {
  private readonly base: string;

  constructor(@Inject(ConfigService) config: ConfigService<AppConfig, true>) {
    this.base = config.get('publicUrl', { infer: true });
  }

  to(page: keyof typeof ACCOUNT_PAGES, token: string): string {
    return `${this.base}${ACCOUNT_PAGES[page]}?token=${encodeURIComponent(token)}`;
  }
}

/** "48 hours", "1 hour", "30 minutes": a token lifetime as a mail states it. */
export function describeDuration(seconds: number): string {
  const hours = seconds / 3600;
  if (Number.isInteger(hours)) return hours === 1 ? '1 hour' : `${hours} hours`;
  const minutes = Math.max(1, Math.round(seconds / 60));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
