import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module';
import { ItemRealtimeHandler } from './item-realtime.handler';
import { RealtimeFanout } from './realtime-fanout';
import { RealtimeServer } from './realtime-server';
import { SessionRealtimeHandler } from './session-realtime.handler';

/**
 * Outbox item events to socket.io rooms, without the gateway: the API imports it through
 * RealtimeModule, the worker on its own (it broadcasts through the transport's emitter). The
 * delivery ledger and the transport are ports the profile binds.
 */
@Module({
  imports: [OutboxModule],
  providers: [RealtimeServer, RealtimeFanout, ItemRealtimeHandler, SessionRealtimeHandler],
  exports: [RealtimeServer],
})
export class RealtimeFanoutModule {}
