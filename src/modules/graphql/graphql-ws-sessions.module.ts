import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { GraphqlWsSessions } from './graphql-ws-sessions';

/** GraphqlWsSessions, for the GraphQL driver's factory to inject. */
@Module({
  imports: [AuthModule],
  providers: [GraphqlWsSessions],
  exports: [GraphqlWsSessions],
})
export class GraphqlWsSessionsModule {}
