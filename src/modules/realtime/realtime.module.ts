import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ItemsModule } from '../items/items.module';
import { OutboxModule } from '../outbox/outbox.module';
import { DeliveryLedger } from './delivery-ledger';
import { RealtimeFanout } from './realtime-fanout';
import { RealtimeRedis } from './realtime-redis';
import { RealtimeServer } from './realtime-server';
import { RealtimeSessions } from './realtime-sessions';
import { RealtimeGateway } from './realtime.gateway';

/** socket.io namespace /realtime: authenticated rooms fed by the items outbox events. */
@Module({
  imports: [AuthModule, ItemsModule, OutboxModule],
  providers: [
    RealtimeRedis,
    RealtimeServer,
    DeliveryLedger,
    RealtimeSessions,
    RealtimeFanout,
    RealtimeGateway,
  ],
  exports: [RealtimeServer],
})
export class RealtimeModule {}
