import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiResponse } from '@nestjs/swagger';
import { codesWithStatus, ERROR_CODES, ErrorCode } from '../errors/error-codes';
import { describeCodes, ProblemDto } from '../errors/problem.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (validation, malformed or hostile JSON, bad cursor)',
  401: 'Missing, invalid or expired credentials',
  403: 'Authenticated but not allowed',
  404: 'Not found',
  409: 'Conflict with the current state',
  412: 'Precondition failed (stale If-Match)',
  413: 'Request body too large',
  415: 'Request body is not JSON',
  429: 'Rate limited; see Retry-After',
  503: 'A dependency is unavailable; see Retry-After',
};

/** A status: every code answered with it. A code: only the codes named for its status. */
export type ProblemAnswer = number | ErrorCode;

/** The codes each status may carry on one route, in the order the statuses were named. */
export function codesByStatus(answers: readonly ProblemAnswer[]): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, Set<ErrorCode>>();
  for (const answer of answers) {
    const status = typeof answer === 'number' ? answer : ERROR_CODES[answer].status;
    const codes = typeof answer === 'number' ? codesWithStatus(answer) : [answer];
    const known = byStatus.get(status) ?? new Set<ErrorCode>();
    codes.forEach((code) => known.add(code));
    byStatus.set(status, known);
  }
  return new Map([...byStatus].map(([status, codes]) => [status, [...codes]]));
}

/**
 * Documents the problem+json error responses a route can answer, with the codes each one carries
 * (`code` narrowed to an enum). `ApiProblems(400, 'item_not_deleted')` reads: every 400 code, and a
 * 409 only as item_not_deleted.
 */
export function ApiProblems(...answers: ProblemAnswer[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...[...codesByStatus(answers)].map(([status, codes]) =>
      ApiResponse({
        status,
        description: `${DESCRIPTIONS[status] ?? 'Error'}. Codes:\n${describeCodes(codes)}`,
        content: {
          'application/problem+json': {
            schema: {
              allOf: [
                { $ref: '#/components/schemas/ProblemDto' },
                { type: 'object', properties: { code: { type: 'string', enum: codes } } },
              ],
            },
          },
        },
      }),
    ),
  );
}

/** A route that needs a bearer access token: documents the scheme and the 401 answer. */
export function ApiAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth('access-token'),
    ApiProblems('token_invalid', 'token_expired'),
  );
}
