import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../common/errors/app-error';
import type { AppConfig } from '../../config/configuration';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

/**
 * GET /metrics answers only the bearer token of METRICS_TOKEN. Both sides are hashed before a
 * constant-time comparison, so neither the content nor the length of the token leaks through timing.
 * Without METRICS_TOKEN the endpoint does not exist (404, like any unknown route): metrics are never
 * served openly by default, in production or elsewhere.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(@Inject(ConfigService) config: ConfigService<AppConfig, true>) {
    const token = config.get('metrics', { infer: true }).token;
    this.expected = token === null ? null : digest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    if (this.expected === null) {
      throw new AppError('route_not_found', `No route matches ${req.method} ${req.path}.`);
    }
    const presented = bearerToken(req.headers.authorization);
    if (presented === null || !timingSafeEqual(digest(presented), this.expected)) {
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new AppError('unauthorized', 'GET /metrics needs the metrics token (METRICS_TOKEN).');
    }
    return true;
  }
}
