import {
  ArgumentsHost,
  HttpException,
  MethodNotAllowedException,
  NotFoundException,
} from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { AppError } from './app-error';
import { ProblemDetailsFilter } from './problem-details.filter';
import type { Problem } from './problem';

/** Runs the filter on one exception, as for GET /things, and returns what it sent. */
function answer(exception: unknown): { problem: Problem; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  let body = '';
  const req = { method: 'GET', path: '/things', originalUrl: '/things?x=1', id: 'req-1' };
  const res = {
    headersSent: false,
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
    },
    status: () => res,
    end: (text: string) => {
      body = text;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({
      getRequest: () => req as unknown as Request,
      getResponse: () => res as unknown as Response,
    }),
  } as unknown as ArgumentsHost;
  const filter = new ProblemDetailsFilter();
  Object.defineProperty(filter, 'logger', {
    value: { warn: () => undefined, error: () => undefined },
  });
  filter.catch(exception, host);
  return { problem: JSON.parse(body) as Problem, headers };
}

const driverFailure = (code: string): QueryFailedError =>
  new QueryFailedError('INSERT …', [], Object.assign(new Error(code), { code }));

describe('ProblemDetailsFilter', () => {
  it('answers a domain error with its own code, the status from the table and its message', () => {
    const { problem } = answer(new AppError('item_not_deleted', 'Nothing to restore.'));
    expect(problem).toMatchObject({
      status: 409,
      code: 'item_not_deleted',
      type: 'urn:keel:problem:item-not-deleted',
      title: 'Conflict',
      detail: 'Nothing to restore.',
      instance: '/things',
      requestId: 'req-1',
    });
  });

  it.each([
    ['an unmatched route', new NotFoundException('Cannot GET /things'), 404, 'route_not_found'],
    ['a 404 HttpException', new NotFoundException('gone'), 404, 'not_found'],
    ['an HttpException with an unmapped 4xx', new MethodNotAllowedException(), 405, 'bad_request'],
    ['the throttler', new ThrottlerException(), 429, 'too_many_requests'],
    [
      'a uniqueness rule no service turned into its own code',
      driverFailure('ER_DUP_ENTRY'),
      409,
      'conflict',
    ],
    ['an unreachable database', driverFailure('ECONNREFUSED'), 503, 'service_unavailable'],
    ['anything else', new Error('SELECT secret FROM t'), 500, 'internal'],
  ])('maps %s to its generic code', (_label, exception, status, code) => {
    const { problem } = answer(exception);
    expect(problem).toMatchObject({ status, code });
    expect(problem.detail).not.toContain('SELECT');
  });

  it('sends Retry-After with a 503 for an unreachable database', () => {
    expect(answer(driverFailure('ECONNREFUSED')).headers['retry-after']).toBe('5');
  });

  it('answers an HttpException with a 5xx status as internal', () => {
    expect(answer(new HttpException('boom', 502)).problem).toMatchObject({
      status: 500,
      code: 'internal',
    });
  });
});
