import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/configuration';
import { OutboxModule } from '../outbox/outbox.module';
import { BrokerConnection } from './broker-connection';
import { BrokerMetrics } from './broker.metrics';
import { RabbitMqEventPublisher } from './rabbitmq-event.publisher';

/**
 * Domain events to other services (RabbitMQ). Without RABBITMQ_URL it provides nothing: the outbox
 * then has no `rabbitmq` destination. Global so that the health check can read the connection's
 * state without importing this module.
 */
@Module({})
export class EventsModule {
  static forRoot(config: AppConfig): DynamicModule {
    const settings = config.rabbitmq;
    if (!settings) return { module: EventsModule };
    return {
      module: EventsModule,
      global: true,
      imports: [OutboxModule],
      providers: [
        { provide: BrokerConnection, useFactory: () => new BrokerConnection(settings) },
        RabbitMqEventPublisher,
        BrokerMetrics,
      ],
      exports: [BrokerConnection],
    };
  }
}
