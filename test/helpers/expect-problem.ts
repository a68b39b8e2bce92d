import type { Response } from 'supertest';
import type { Problem } from '../../src/common/errors/problem';

/** Asserts an RFC 9457 problem+json answer with this status and code, and returns the problem. */
export function expectProblem(res: Response, status: number, code: string): Problem {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(res.text) as Problem;
  expect(problem).toMatchObject({ status, code });
  return problem;
}
