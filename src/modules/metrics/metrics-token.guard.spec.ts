import type { ExecutionContext } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { AppError } from '../../common/errors/app-error';
import type { AppConfig } from '../../config/configuration';
import { bearerToken, MetricsTokenGuard } from './metrics-token.guard';

const TOKEN = 'm'.repeat(40);

function guardFor(token: string | null): MetricsTokenGuard {
  const config = { get: () => ({ token }) } as unknown as ConfigService<AppConfig, true>;
  return new MetricsTokenGuard(config);
}

function contextWith(authorization?: string): {
  context: ExecutionContext;
  headers: Record<string, string>;
} {
  const headers: Record<string, string> = {};
  const req = { method: 'GET', path: '/metrics', headers: { authorization } };
  const res = { setHeader: (name: string, value: string) => (headers[name] = value) };
  const context = {
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ExecutionContext;
  return { context, headers };
}

const codeOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return 'passed';
};

describe('MetricsTokenGuard', () => {
  it('lets the configured bearer token through', () => {
    expect(guardFor(TOKEN).canActivate(contextWith(`Bearer ${TOKEN}`).context)).toBe(true);
    expect(guardFor(TOKEN).canActivate(contextWith(`bearer ${TOKEN}`).context)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['another token', `Bearer ${'x'.repeat(40)}`],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, 39)}`],
    ['the token and more', `Bearer ${TOKEN}x`],
    ['the token without the scheme', TOKEN],
    ['another scheme', `Basic ${TOKEN}`],
  ])('answers 401 with a WWW-Authenticate challenge for %s', (_, header) => {
    const { context, headers } = contextWith(header);
    expect(codeOf(() => guardFor(TOKEN).canActivate(context))).toBe('unauthorized');
    expect(headers['WWW-Authenticate']).toBe('Bearer realm="metrics"');
  });

  it('hides the endpoint (route_not_found) when no token is configured', () => {
    const { context } = contextWith(`Bearer ${TOKEN}`);
    expect(codeOf(() => guardFor(null).canActivate(context))).toBe('route_not_found');
  });
});

describe('bearerToken', () => {
  it('extracts the token of a Bearer header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('Bearer   abc  ')).toBe('abc');
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken('Bearer ')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});
