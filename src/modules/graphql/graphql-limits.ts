import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationRule } from 'graphql';
import type { AppConfig } from '../../config/configuration';
import { limitErrors } from './graphql-errors';

/** Most aliases one operation may use (an alias flood multiplies the work of one field). */
export const MAX_ALIASES = 15;
/** Most tokens one document may have (refused while parsing, before any other work). */
export const MAX_TOKENS = 2000;

const remember = [(_ctx: unknown, error: GraphQLError): void => void limitErrors.add(error)];

/**
 * GraphQL Armor's protections with Keel's limits: depth, cost, aliases, directives and tokens per
 * operation, no field suggestions (they leak the schema when introspection is off), and no
 * batched HTTP requests. The same rules run for graphql-ws subscriptions (see graphql.module).
 */
export function graphqlLimits(config: AppConfig['graphql']): {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
} {
  const armor = new ApolloArmor({
    maxDepth: { n: config.maxDepth, onReject: remember, ignoreIntrospection: true },
    costLimit: { maxCost: config.maxCost, onReject: remember, ignoreIntrospection: true },
    maxAliases: { n: MAX_ALIASES, onReject: remember },
    maxDirectives: { n: 20, onReject: remember },
    maxTokens: { n: MAX_TOKENS, onReject: remember },
    blockFieldSuggestion: { enabled: true },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins, validationRules };
}
