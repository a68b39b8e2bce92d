import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import type { ErrorCode } from '../../common/errors/error-codes';
import { problemInputOf } from '../../common/errors/problem-input-of';

/** GraphQL errors GraphQL Armor raised: one of Keel's limits refused the operation. */
export const limitErrors = new WeakSet<GraphQLError>();

/** Apollo's own codes for requests refused before execution, as the REST problem codes. */
const APOLLO_CODES: Record<string, ErrorCode> = {
  GRAPHQL_PARSE_FAILED: 'bad_request',
  GRAPHQL_VALIDATION_FAILED: 'validation_failed',
  BAD_USER_INPUT: 'validation_failed',
  BAD_REQUEST: 'bad_request',
  OPERATION_RESOLUTION_FAILURE: 'bad_request',
  PERSISTED_QUERY_NOT_FOUND: 'bad_request',
  PERSISTED_QUERY_NOT_SUPPORTED: 'bad_request',
};

/** graphql-js's parser refusing a document over parseOptions.maxTokens (16.x spells it "that"). */
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more tha[nt] \d+ tokens/;

function isLimitError(formatted: GraphQLFormattedError, error: unknown): boolean {
  if (TOO_MANY_TOKENS.test(formatted.message)) return true;
  let current: unknown = error;
  while (current instanceof GraphQLError) {
    if (limitErrors.has(current)) return true;
    current = current.originalError;
  }
  return false;
}

/** The error a resolver threw, under the GraphQLError(s) graphql-js and Apollo wrap it in. */
export function thrownBy(error: unknown): unknown {
  let current: unknown = error;
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}

/**
 * Apollo's formatError: every error carries `extensions.code` equal to the problem code REST answers
 * (field errors in `extensions.errors`); anything unexpected becomes `internal` with a generic
 * message, never a stack trace, SQL or driver message. The request id is added by the plugin.
 */
export function formatGraphqlError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const base = { locations: formatted.locations, path: formatted.path };
  if (isLimitError(formatted, error)) {
    return { ...base, message: formatted.message, extensions: { code: 'query_too_complex' } };
  }
  const thrown = thrownBy(error);
  if (thrown instanceof GraphQLError) {
    const apolloCode = formatted.extensions?.code;
    const code = (typeof apolloCode === 'string' && APOLLO_CODES[apolloCode]) || 'bad_request';
    return { ...base, message: formatted.message, extensions: { code } };
  }
  const problem = problemInputOf(thrown);
  return {
    ...base,
    message: problem.detail,
    extensions: {
      code: problem.code,
      ...(problem.errors ? { errors: problem.errors } : {}),
      ...(problem.retryAfterSeconds === undefined
        ? {}
        : { retryAfterSeconds: problem.retryAfterSeconds }),
    },
  };
}
