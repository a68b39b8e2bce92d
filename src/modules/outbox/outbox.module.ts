import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxEventBus } from './outbox-event-bus';
import { OutboxEntity } from './outbox.entity';
import { OutboxMetrics } from './outbox.metrics';
import { OutboxRelay } from './outbox.relay';
import { OutboxRepository } from './outbox.repository';

/** The transactional outbox: modules append in their transaction, subscribers receive after commit. */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEntity])],
  providers: [OutboxRepository, OutboxEventBus, OutboxRelay, OutboxMetrics],
  exports: [OutboxRepository, OutboxEventBus, OutboxRelay],
})
export class OutboxModule {}
