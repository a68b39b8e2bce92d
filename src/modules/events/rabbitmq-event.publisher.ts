import { Injectable } from '@nestjs/common';
import { type DomainEventHandler, OnDomainEventAt } from '../outbox/domain-event-handler';
import { OutboxRelay } from '../outbox/outbox.relay';
import { BrokerConnection } from './broker-connection';
import { BROKER_EVENTS, type BrokerEvent } from './broker-events';
import { CLOUD_EVENT_CONTENT_TYPE, toCloudEvent } from './cloud-event';

/**
 * The RabbitMQ destination of the outbox: each domain event as a CloudEvents JSON message on the
 * topic exchange, routing key = event type, persistent, and resolved only once the broker confirms
 * it (so the row is marked published only then). A failure retries the row, same id.
 */
@Injectable()
@OnDomainEventAt('rabbitmq', ...BROKER_EVENTS)
export class RabbitMqEventPublisher implements DomainEventHandler<BrokerEvent['type']> {
  constructor(
    private readonly broker: BrokerConnection,
    relay: OutboxRelay,
  ) {
    broker.onConnect(() => relay.wake('rabbitmq'));
  }

  available(): boolean {
    return this.broker.connected;
  }

  async handle(event: BrokerEvent): Promise<void> {
    const message = toCloudEvent(event);
    await this.broker.publish(event.type, Buffer.from(JSON.stringify(message)), {
      messageId: event.id,
      type: event.type,
      contentType: CLOUD_EVENT_CONTENT_TYPE,
      timestamp: Math.floor(event.occurredAt.getTime() / 1000),
    });
  }
}
