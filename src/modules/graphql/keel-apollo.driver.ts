import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Injectable } from '@nestjs/common';
import type { Express } from 'express';
import type { Server } from 'node:http';
import { fillMount } from '../../common/http/reserved-mount';
import { graphqlHttpHandler, type HttpContextFn } from './graphql-http';

/**
 * Nest's Apollo driver, but mounted where configureApp reserved `/graphql` (right after the JSON
 * body middleware, before Nest's REST routes) and answering through Keel's lean Express
 * integration (graphql-http.ts). Everything else is the driver's: its option defaults (context and
 * error wrapping, its plugins), the schema, subscriptions and shutdown. Apollo Server is built as
 * the driver builds it: Keel's options plus the drain plugin.
 */
@Injectable()
export class KeelApolloDriver extends ApolloDriver {
  protected override async registerExpress(
    options: ApolloDriverConfig,
    { preStartHook }: { preStartHook?: () => void } = {},
  ): Promise<void> {
    const httpAdapter = this.httpAdapterHost.httpAdapter;
    const app = httpAdapter.getInstance<Express>();
    const httpServer = httpAdapter.getHttpServer() as Server;
    preStartHook?.();
    const server = new ApolloServer<BaseContext>({
      ...(options as ConstructorParameters<typeof ApolloServer<BaseContext>>[0]),
      plugins: [
        ...((options.plugins ?? []) as ApolloServerPlugin[]),
        ApolloServerPluginDrainHttpServer({ httpServer }),
      ],
    });
    await server.start();
    const context = options.context as HttpContextFn<BaseContext> | undefined;
    fillMount(app, options.path ?? '/graphql', graphqlHttpHandler(server, context ?? (() => ({}))));
    this.apolloServer = server;
  }
}
