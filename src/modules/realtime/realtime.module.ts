import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ItemsModule } from '../items/items.module';
import { RealtimeFanoutModule } from './realtime-fanout.module';
import { RealtimeMetrics } from './realtime.metrics';
import { RealtimeSessions } from './realtime-sessions';
import { ItemSubscriptionsResolver } from './graphql/item-subscriptions.resolver';
import { RealtimeGateway } from './realtime.gateway';

/** socket.io namespace /realtime: authenticated rooms fed by the items outbox events. */
@Module({
  imports: [AuthModule, ItemsModule, RealtimeFanoutModule],
  providers: [RealtimeSessions, RealtimeGateway, RealtimeMetrics, ItemSubscriptionsResolver],
  exports: [RealtimeFanoutModule],
})
export class RealtimeModule {}
