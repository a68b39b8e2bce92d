import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { BrokerConnection } from './broker-connection';

/** `keel_rabbitmq_connected`: 1 while this process holds a connection to the broker, else 0. */
@Injectable()
export class BrokerMetrics {
  constructor(metrics: MetricsRegistry, broker: BrokerConnection) {
    metrics.gauge(
      'keel_rabbitmq_connected',
      'Whether this process is connected to RabbitMQ (1) or not (0)',
      () => (broker.connected ? 1 : 0),
    );
  }
}
