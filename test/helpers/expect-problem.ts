import type { Response } from 'supertest';
import type { Problem } from '../../src/common/errors/problem';

/** What the complete form checks besides status and code: the request the problem names. */
export interface ProblemExpectation {
  status: number;
  code: string;
  instance: string;
}

/**
 * Asserts an RFC 9457 problem+json answer with this status and code, and returns the problem.
 * Given `{ status, code, instance }`, it also asserts the whole problem is well formed (type, title
 * and detail non-empty) and tied to its request (that instance, requestId = X-Request-Id).
 */
export function expectProblem(res: Response, status: number, code: string): Problem;
export function expectProblem(res: Response, expected: ProblemExpectation): Problem;
export function expectProblem(
  res: Response,
  statusOrExpected: number | ProblemExpectation,
  code?: string,
): Problem {
  const status = typeof statusOrExpected === 'number' ? statusOrExpected : statusOrExpected.status;
  const expectedCode = typeof statusOrExpected === 'number' ? code : statusOrExpected.code;
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(res.text) as Problem;
  expect(problem).toMatchObject({ status, code: expectedCode });
  if (typeof statusOrExpected === 'number') return problem;

  expect(problem).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
      instance: statusOrExpected.instance,
      requestId: expect.any(String),
    }),
  );
  expect(problem.type.length).toBeGreaterThan(0);
  expect(problem.title.length).toBeGreaterThan(0);
  expect(problem.detail.length).toBeGreaterThan(0);
  expect(problem.requestId.length).toBeGreaterThan(0);
  expect(problem.requestId).toBe(res.headers['x-request-id']);
  return problem;
}
