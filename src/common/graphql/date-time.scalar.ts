import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function instant(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && ISO_INSTANT.test(value)) return value;
  throw new GraphQLError(
    'DateTime must be an ISO 8601 instant in UTC, such as 2026-01-31T12:00:00.000Z',
  );
}

/**
 * ISO 8601 instants, as REST sends them. Keel's DTOs carry them as strings (the mappers format
 * them), which the stock GraphQLISODateTime refuses to serialize.
 */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO 8601 instant in UTC, such as 2026-01-31T12:00:00.000Z.',
  serialize: instant,
  parseValue: instant,
  parseLiteral: (ast) => instant(ast.kind === Kind.STRING ? ast.value : undefined),
});
