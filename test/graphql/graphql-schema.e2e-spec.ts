import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, TestApp } from '../helpers/test-app';

const COMMITTED = join(__dirname, '..', '..', 'schema.gql');

/**
 * schema.gql is the committed copy of the schema the code builds, so that every schema change shows
 * in review. After an intended change: UPDATE_GRAPHQL_SCHEMA=1 npx jest test/graphql/graphql-schema.
 */
describe('GraphQL schema', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('is the committed schema.gql', () => {
    const built = `${printSchema(t.app.get(GraphQLSchemaHost).schema)}\n`;
    if (process.env.UPDATE_GRAPHQL_SCHEMA === '1') writeFileSync(COMMITTED, built);
    expect(built).toBe(readFileSync(COMMITTED, 'utf8'));
  });
});
