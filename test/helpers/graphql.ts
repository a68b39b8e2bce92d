import type { Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent';

export interface GraphqlError {
  message: string;
  path?: Array<string | number>;
  extensions: {
    code: string;
    requestId?: string;
    errors?: Array<{ field: string; message: string }>;
  };
}

export interface GraphqlAnswer<T> {
  res: Response;
  data: T | null;
  errors: GraphqlError[];
}

/** POSTs one GraphQL operation to /graphql (as the user whose Authorization value is given). */
export async function gql<T = Record<string, unknown>>(
  http: () => TestAgent,
  query: string,
  options: { variables?: Record<string, unknown>; bearer?: string } = {},
): Promise<GraphqlAnswer<T>> {
  let req = http().post('/graphql').set('Content-Type', 'application/json');
  if (options.bearer) req = req.set('Authorization', options.bearer);
  const res = await req.send({ query, variables: options.variables ?? {} });
  const body = res.body as { data?: T | null; errors?: GraphqlError[] };
  return { res, data: body.data ?? null, errors: body.errors ?? [] };
}

/** Asserts exactly one error with this extensions.code and returns it. */
export function expectGraphqlError(answer: GraphqlAnswer<unknown>, code: string): GraphqlError {
  expect(answer.errors.map((e) => e.extensions.code)).toEqual([code]);
  const [error] = answer.errors;
  expect(error.extensions.requestId).toEqual(expect.any(String));
  return error;
}
