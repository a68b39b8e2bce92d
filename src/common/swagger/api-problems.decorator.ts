import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiResponse } from '@nestjs/swagger';
import { ProblemDto } from '../errors/problem.dto';

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

/** Documents the problem+json error responses a route can answer. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } },
        },
      }),
    ),
  );
}

/** A route that needs a bearer access token: documents the scheme and the 401 answer. */
export function ApiAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiBearerAuth('access-token'), ApiProblems(401));
}
