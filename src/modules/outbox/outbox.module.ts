import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxEventBus } from './outbox-event-bus';
import { OutboxEntity } from './outbox.entity';
import { OutboxMetrics } from './outbox.metrics';
import { OutboxRelay } from './outbox.relay';
import { OutboxRepository } from './outbox.repository';

/**
 * The transactional outbox: modules append in their transaction; after commit the relay hands each
 * event to the @OnDomainEvent handler classes declared for its name.
 */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEntity]), DiscoveryModule],
  providers: [OutboxRepository, OutboxEventBus, OutboxRelay, OutboxMetrics],
  exports: [OutboxRepository, OutboxEventBus, OutboxRelay],
})
export class OutboxModule {}
