import type { ApolloServerPlugin } from '@apollo/server';
import { Logger } from '@nestjs/common';
import type { GraphqlContext } from '../../common/auth/request-of';
import { problemInputOf } from '../../common/errors/problem-input-of';
import { requestIdOf } from '../../common/errors/problem';
import { thrownBy } from './graphql-errors';

const logger = new Logger('GraphQL');

/**
 * Adds the request id to every error (as REST problems carry it) and logs unexpected errors with
 * it: formatError sees no request, this plugin does.
 */
export const requestErrorsPlugin: ApolloServerPlugin<GraphqlContext> = {
  requestDidStart() {
    return Promise.resolve({
      didEncounterErrors({ errors, contextValue }) {
        for (const error of errors) {
          const thrown = thrownBy(error);
          if (problemInputOf(thrown).code !== 'internal' || thrown === error) continue;
          logger.error(
            { err: thrown, requestId: requestIdOf(contextValue.req) },
            'unhandled error',
          );
        }
        return Promise.resolve();
      },
      willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single') return Promise.resolve();
        const requestId = requestIdOf(contextValue.req);
        const errors = response.body.singleResult.errors;
        if (errors) {
          response.body.singleResult.errors = errors.map((e) => ({
            ...e,
            extensions: { ...e.extensions, requestId },
          }));
        }
        return Promise.resolve();
      },
    });
  },
};
