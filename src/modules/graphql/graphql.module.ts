import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { GraphQLModule } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import type { GraphqlContext } from '../../common/auth/request-of';
import type { AppConfig } from '../../config/configuration';
import { formatGraphqlError } from './graphql-errors';
import { graphqlLimits } from './graphql-limits';
import { requestErrorsPlugin } from './graphql-request-plugin';
import { graphqlWsOptions, wsContextOf } from './graphql-ws';
import { KeelApolloDriver } from './keel-apollo.driver';
import { GraphqlWsSessions } from './graphql-ws-sessions';
import { GraphqlWsSessionsModule } from './graphql-ws-sessions.module';

/**
 * The Apollo driver at /graphql, code-first: the schema is built from the resolvers of the feature
 * modules (kept in memory; schema.gql is the committed copy a test compares). Only the driver's
 * setup lives here: context, limits, error mapping, introspection and the landing page.
 */
@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: KeelApolloDriver,
      imports: [GraphqlWsSessionsModule],
      inject: [ConfigService, GraphqlWsSessions],
      useFactory: (
        config: ConfigService<AppConfig, true>,
        sessions: GraphqlWsSessions,
      ): ApolloDriverConfig => {
        const graphql = config.get('graphql', { infer: true });
        const limits = graphqlLimits(graphql);
        return {
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          playground: false,
          introspection: graphql.introspection,
          csrfPrevention: true,
          allowBatchedHttpRequests: false,
          includeStacktraceInErrorResponses: false,
          autoTransformHttpErrors: false,
          validationRules: limits.validationRules,
          parseOptions: limits.parseOptions,
          plugins: [
            ...limits.plugins,
            requestErrorsPlugin,
            // Keel sets no cache hints (responses are per viewer); Apollo's default cache-control
            // plugin would still hook every resolved field, 20 × 11 per page of items.
            ApolloServerPluginCacheControlDisabled(),
            graphql.introspection
              ? ApolloServerPluginLandingPageLocalDefault({ embed: true })
              : ApolloServerPluginLandingPageDisabled(),
          ],
          formatError: formatGraphqlError,
          subscriptions: { 'graphql-ws': graphqlWsOptions({ sessions, ...limits }) },
          // HTTP: Express's request and response; graphql-ws: a request built from connection_init.
          context: (source: { req?: Request; res?: Response }): GraphqlContext =>
            source.req && source.res
              ? { req: source.req, res: source.res }
              : wsContextOf(source as Parameters<typeof wsContextOf>[0]),
        };
      },
    }),
  ],
})
export class KeelGraphqlModule {}
