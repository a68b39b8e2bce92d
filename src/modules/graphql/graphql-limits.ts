import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import type { AppConfig } from '../../config/configuration';
import { limitErrors } from './graphql-errors';

/** Most aliases one operation may use (an alias flood multiplies the work of one field). */
export const MAX_ALIASES = 15;
/** Most directives one operation may use. */
export const MAX_DIRECTIVES = 20;
/** Most tokens one document may have (refused while parsing, before any other work). */
export const MAX_TOKENS = 2000;

/**
 * How a validation rule of Armor reports a refusal: as one error per operation that formatError
 * recognises (Armor's default reporter would re-create it as BAD_USER_INPUT).
 */
const report = {
  propagateOnRejection: false,
  onReject: [
    (ctx: ValidationContext | null, error: GraphQLError): void => {
      const refused = new GraphQLError(error.message);
      limitErrors.add(refused);
      ctx?.reportError(refused);
    },
  ],
};

/**
 * GraphQL Armor's protections with Keel's limits: depth, cost, aliases, directives and tokens per
 * operation (tokens per document), no field suggestions (they leak the schema when introspection is off), and no
 * batched HTTP requests. The same rules run for graphql-ws subscriptions (see graphql.module).
 */
export function graphqlLimits(config: AppConfig['graphql']): {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
} {
  const armor = new ApolloArmor({
    maxDepth: { n: config.maxDepth, ignoreIntrospection: true, ...report },
    costLimit: { maxCost: config.maxCost, ignoreIntrospection: true, ...report },
    maxAliases: { n: MAX_ALIASES, ...report },
    maxDirectives: { n: MAX_DIRECTIVES, ...report },
    // Counted by graphql-js's own parser (parseOptions below): Armor's token plugin re-parses in
    // a hook where any error, a plain syntax error included, becomes a 500.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: true },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins, validationRules, parseOptions: { maxTokens: MAX_TOKENS } };
}
