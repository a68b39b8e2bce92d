import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module';
import { DeliveryLedger } from './delivery-ledger';
import { RealtimeFanout } from './realtime-fanout';
import { RealtimeRedis } from './realtime-redis';
import { RealtimeServer } from './realtime-server';

/**
 * Outbox item events to socket.io rooms, without the gateway: the API imports it through
 * RealtimeModule, the worker on its own (it broadcasts through the Redis emitter).
 */
@Module({
  imports: [OutboxModule],
  providers: [RealtimeRedis, RealtimeServer, DeliveryLedger, RealtimeFanout],
  exports: [RealtimeRedis, RealtimeServer],
})
export class RealtimeFanoutModule {}
