import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError, parse, specifiedRules, validate, type ValidationRule } from 'graphql';
import type { Context } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import type { AccessTokenVerifier } from '../auth/access-token-verifier';
import type { GraphqlContext } from '../../common/auth/request-of';
import { formatGraphqlError } from './graphql-errors';

/** Close codes a graphql-ws client sees when its token is refused or runs out. */
export const WS_CLOSE = { tokenInvalid: 4401, tokenExpired: 4403 } as const;

type WsContext = Context<Record<string, unknown> | undefined, Extra>;

/** The Authorization value from connection_init: `{ "authorization": "Bearer …" }`. */
function authorizationOf(ctx: WsContext): unknown {
  const params = ctx.connectionParams ?? {};
  return params.authorization ?? params.Authorization;
}

/**
 * graphql-ws on the API's port at /graphql, with the HTTP endpoint's rules: the access token of
 * connection_init checked once by AccessTokenVerifier (refused: closed with 4401 token_invalid or
 * 4403 token_expired) and the socket closed with 4403 token_expired when it runs out; every
 * subscription's document parsed with the token limit and validated with the same limit rules
 * (Apollo's plugins do not run here); errors mapped as formatGraphqlError maps them.
 */
export function graphqlWsOptions(options: {
  verifier: AccessTokenVerifier;
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
}): Record<string, unknown> {
  const rules = [...specifiedRules, ...options.validationRules];
  const format = (error: GraphQLError): GraphQLFormattedError =>
    formatGraphqlError(error.toJSON(), error);
  return {
    path: '/graphql',
    onConnect: async (ctx: WsContext): Promise<boolean> => {
      const check = await options.verifier.authenticate(authorizationOf(ctx));
      const socket = ctx.extra.socket;
      if (!check.ok) {
        const expired = check.reason === 'token_expired';
        socket.close(
          expired ? WS_CLOSE.tokenExpired : WS_CLOSE.tokenInvalid,
          expired ? 'token_expired' : 'token_invalid',
        );
        return false;
      }
      const timer = setTimeout(
        () => socket.close(WS_CLOSE.tokenExpired, 'token_expired'),
        Math.max(0, check.expiresAt * 1000 - Date.now()),
      );
      socket.once('close', () => clearTimeout(timer));
      return true;
    },
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
