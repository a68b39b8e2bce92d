import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { GraphQLModule } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import type { GraphqlContext } from '../../common/auth/request-of';
import type { AppConfig } from '../../config/configuration';
import { formatGraphqlError } from './graphql-errors';
import { graphqlLimits } from './graphql-limits';
import { requestErrorsPlugin } from './graphql-request-plugin';

/**
 * The Apollo driver at /graphql, code-first: the schema is built from the resolvers of the feature
 * modules (kept in memory; schema.gql is the committed copy a test compares). Only the driver's
 * setup lives here: context, limits, error mapping, introspection and the landing page.
 */
@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>): ApolloDriverConfig => {
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
            graphql.introspection
              ? ApolloServerPluginLandingPageLocalDefault({ embed: true })
              : ApolloServerPluginLandingPageDisabled(),
          ],
          formatError: formatGraphqlError,
          context: ({ req, res }: { req: Request; res: Response }): GraphqlContext => ({
            req,
            res,
          }),
        };
      },
    }),
  ],
})
export class KeelGraphqlModule {}
