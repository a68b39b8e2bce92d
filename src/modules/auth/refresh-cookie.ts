import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { CookieOptions, Request, Response } from 'express';
import type { AppConfig } from '../../config/configuration';

export const REFRESH_COOKIE = 'keel_refresh';

/**
 * The browser's refresh-token cookie: httpOnly, SameSite=Strict, Secure as configured, scoped to
 * the path that reads it (/auth for REST, /graphql for the GraphQL auth mutations).
 */
@Injectable()
export class RefreshCookie {
  private readonly options: CookieOptions;

  constructor(@Inject(ConfigService) config: ConfigService<AppConfig, true>) {
    const { cookieSecure, refreshTtlSeconds } = config.get('auth', { infer: true });
    this.options = {
      httpOnly: true,
      secure: cookieSecure,
      sameSite: 'strict',
      maxAge: refreshTtlSeconds * 1000,
    };
  }

  set(res: Response, path: string, token: string): void {
    res.cookie(REFRESH_COOKIE, token, { ...this.options, path });
  }

  clear(res: Response, path: string): void {
    res.clearCookie(REFRESH_COOKIE, { ...this.options, path, maxAge: undefined });
  }

  read(req: Request): string | undefined {
    const cookies = req.cookies as Record<string, unknown> | undefined;
    const value = cookies?.[REFRESH_COOKIE];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  }
}
