import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import cookieParser from 'cookie-parser';
import type { CookieOptions, Request, Response } from 'express';
import type { AppConfig } from '../../config/configuration';

export const REFRESH_COOKIE = 'keel_refresh';

/** The Cookie header's parser, as mounted on /auth, run here for /graphql's few cookie readers. */
const parseCookies = cookieParser();

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
    // /graphql parses the Cookie header only when a resolver reads it (the refresh mutations), not
    // on every query; cookie-parser is synchronous and leaves cookies already parsed alone.
    if (req.cookies === undefined) void parseCookies(req, req.res as Response, () => undefined);
    const cookies = req.cookies as Record<string, unknown> | undefined;
    const value = cookies?.[REFRESH_COOKIE];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  }
}
