import type { Request, Response } from 'express';
import type { FieldError } from './app-error';
import { ErrorCode, statusOf } from './error-codes';

/** RFC 9457 problem details as Keel sends them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  code: ErrorCode;
  errors?: FieldError[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function titleOf(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

export function requestIdOf(req: Request): string {
  const id: unknown = (req as Request & { id?: unknown }).id;
  return typeof id === 'string' ? id : '';
}

export interface ProblemInput {
  code: ErrorCode;
  detail: string;
  status?: number;
  errors?: FieldError[];
  retryAfterSeconds?: number;
}

export function buildProblem(req: Request, input: ProblemInput): Problem {
  const status = input.status ?? statusOf(input.code);
  return {
    type: `urn:keel:problem:${input.code.replace(/_/g, '-')}`,
    title: titleOf(status),
    status,
    detail: input.detail,
    instance: (req.originalUrl || req.url || '').split('?')[0] ?? '',
    requestId: requestIdOf(req),
    code: input.code,
    ...(input.errors ? { errors: input.errors } : {}),
  };
}

/** Writes a problem+json response; used by the global filter and by middleware that runs before Nest. */
export function sendProblem(req: Request, res: Response, input: ProblemInput): void {
  const problem = buildProblem(req, input);
  if (input.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(input.retryAfterSeconds))));
  }
  res.status(problem.status);
  res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  res.end(JSON.stringify(problem));
}
