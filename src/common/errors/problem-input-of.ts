import { HttpException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { isDatabaseUnavailable } from '../../database/connection-errors';
import { isUniqueViolation } from '../../database/query-errors';
import { AppError, ErrorCode } from './app-error';
import type { ProblemInput } from './problem';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

const SAFE_DETAIL: Partial<Record<ErrorCode, string>> = {
  bad_request: 'The request could not be understood.',
  unauthorized: 'Authentication is required.',
  forbidden: 'You are not allowed to do this.',
  not_found: 'The resource does not exist.',
  conflict: 'The request conflicts with the current state of the resource.',
  too_many_requests: 'Too many requests; try again later.',
  service_unavailable: 'The service is temporarily unavailable; try again shortly.',
};

/** Retry-After sent with a 503 when the database is unreachable. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * What any thrown value means to a client, for REST (problem+json) and GraphQL (extensions.code)
 * alike: domain errors carry their own code, Nest's HTTP exceptions are mapped by status, and
 * anything else is `internal` with a generic detail (callers log it; it never reaches a client).
 * `route` is the "METHOD path" of an HTTP request, to tell an unknown route from a missing resource.
 */
export function problemInputOf(
  exception: unknown,
  route?: { method: string; path: string },
): ProblemInput {
  if (exception instanceof AppError) {
    return {
      code: exception.code,
      detail: exception.message,
      errors: exception.errors,
      retryAfterSeconds: exception.retryAfterSeconds,
    };
  }
  if (exception instanceof ThrottlerException) {
    return { code: 'too_many_requests', detail: SAFE_DETAIL.too_many_requests ?? '' };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (route && status === 404 && exception.message.startsWith(`Cannot ${route.method} `)) {
      return { code: 'route_not_found', detail: `No route matches ${route.method} ${route.path}.` };
    }
    const code = CODE_BY_STATUS[status];
    if (code !== undefined) return { code, detail: SAFE_DETAIL[code] ?? exception.message };
    if (status < 500) return { code: 'bad_request', status, detail: exception.message };
  }
  if (isUniqueViolation(exception)) {
    return { code: 'conflict', detail: SAFE_DETAIL.conflict ?? '' };
  }
  if (isDatabaseUnavailable(exception)) {
    return {
      code: 'service_unavailable',
      detail: SAFE_DETAIL.service_unavailable ?? '',
      retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
    };
  }
  return {
    code: 'internal',
    detail: 'An unexpected error occurred; quote the requestId when reporting it.',
  };
}
