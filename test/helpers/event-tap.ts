import amqp, { type Channel, type ChannelModel } from 'amqplib';
import type { KeelCloudEvent } from '../../src/modules/events/cloud-event';
import { TEST_RABBITMQ_URL } from './with-rabbitmq';

export interface TappedMessage {
  routingKey: string;
  event: KeelCloudEvent;
  persistent: boolean;
  messageId: unknown;
  contentType: unknown;
}

/**
 * A consumer of a topic exchange for tests: an exclusive queue bound with `pattern`, every message
 * parsed and acknowledged. The exchange is declared as Keel declares it (durable topic), so a test
 * can subscribe before the app first connects.
 */
export class EventTap {
  readonly messages: TappedMessage[] = [];

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
  ) {}

  static async open(exchange: string, pattern = '#', url = TEST_RABBITMQ_URL): Promise<EventTap> {
    const connection = await amqp.connect(url);
    const channel = await connection.createChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, exchange, pattern);
    const tap = new EventTap(connection, channel);
    await channel.consume(queue, (msg) => {
      if (!msg) return;
      tap.messages.push({
        routingKey: msg.fields.routingKey,
        event: JSON.parse(msg.content.toString('utf8')) as KeelCloudEvent,
        persistent: msg.properties.deliveryMode === 2,
        messageId: msg.properties.messageId,
        contentType: msg.properties.contentType,
      });
      channel.ack(msg);
    });
    return tap;
  }

  /** The events received for one subject (aggregate), in arrival order. */
  of(subject: string): KeelCloudEvent[] {
    return this.messages.map((m) => m.event).filter((e) => e.subject === subject);
  }

  /** Removes a durable queue a test's consumer declared. */
  async deleteQueue(queue: string): Promise<void> {
    await this.channel.deleteQueue(queue);
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}
