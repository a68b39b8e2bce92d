import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError, parse, specifiedRules, validate, type ValidationRule } from 'graphql';
import type { Context } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import type { GraphqlContext } from '../../common/auth/request-of';
import { formatGraphqlError } from './graphql-errors';
import type { GraphqlWsSessions } from './graphql-ws-sessions';

type WsContext = Context<Record<string, unknown> | undefined, Extra>;

/** The Authorization value from connection_init: `{ "authorization": "Bearer …" }`. */
function authorizationOf(ctx: WsContext): unknown {
  const params = ctx.connectionParams ?? {};
  return params.authorization ?? params.Authorization;
}

/**
 * graphql-ws on the API's port at /graphql, with the HTTP endpoint's rules: the access token of
 * connection_init checked and kept current by GraphqlWsSessions; every
 * subscription's document parsed with the token limit and validated with the same limit rules
 * (Apollo's plugins do not run here); errors mapped as formatGraphqlError maps them.
 */
export function graphqlWsOptions(options: {
  sessions: GraphqlWsSessions;
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
}): Record<string, unknown> {
  const rules = [...specifiedRules, ...options.validationRules];
  const format = (error: GraphQLError): GraphQLFormattedError =>
    formatGraphqlError(error.toJSON(), error);
  return {
    path: '/graphql',
    onConnect: (ctx: WsContext): Promise<boolean> =>
      options.sessions.accept(ctx.extra.socket, authorizationOf(ctx)),
    onSubscribe: (_ctx: WsContext, _id: string, payload: { query: string }) => {
      try {
        parse(payload.query, options.parseOptions);
      } catch (error) {
        return [error instanceof GraphQLError ? error : new GraphQLError('Syntax Error')];
      }
      return undefined;
    },
    validate: (schema: Parameters<typeof validate>[0], document: Parameters<typeof validate>[1]) =>
      validate(schema, document, rules),
    onError: (_ctx: WsContext, _id: string, _payload: unknown, errors: readonly GraphQLError[]) =>
      errors.map(format),
    onNext: (
      _ctx: WsContext,
      _id: string,
      _payload: unknown,
      _args: unknown,
      result: { errors?: readonly GraphQLError[]; data?: unknown },
    ) => (result.errors ? { ...result, errors: result.errors.map(format) } : undefined),
  };
}

/** The GraphQL context of a subscription: a request whose headers come from connection_init. */
export function wsContextOf(ctx: WsContext): GraphqlContext {
  const headers = { authorization: authorizationOf(ctx) };
  return { req: { headers } as unknown as GraphqlContext['req'], res: undefined as never };
}
