import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '../metrics/metrics-registry';
import type { OutboxDestination } from './outbox-destination';
import { OutboxEventBus } from './outbox-event-bus';
import { OutboxRepository, type OutboxStats } from './outbox.repository';

/** Metric name prefix per destination; the in-app names predate the other destinations. */
const PREFIX: Record<OutboxDestination, string> = {
  'in-app': 'keel_outbox',
  rabbitmq: 'keel_outbox_rabbitmq',
};

/**
 * The backlog of each destination: `keel_outbox_pending` / `keel_outbox_oldest_pending_age_seconds`
 * (in-app handlers: search, realtime) and `keel_outbox_rabbitmq_*` (broker, only with RABBITMQ_URL).
 * A growing age means the relay is stuck or a destination (Redis, Elasticsearch, RabbitMQ) keeps
 * failing. Both gauges of a destination come from one query per scrape.
 */
@Injectable()
export class OutboxMetrics {
  private readonly inFlight = new Map<OutboxDestination, Promise<OutboxStats | null>>();

  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly outbox: OutboxRepository,
    private readonly bus: OutboxEventBus,
  ) {
    for (const destination of ['in-app', 'rabbitmq'] as const) this.register(destination);
  }

  private register(destination: OutboxDestination): void {
    const what = destination === 'in-app' ? 'dispatched' : 'published to RabbitMQ';
    this.metrics.gauge(
      `${PREFIX[destination]}_pending`,
      `Outbox events not yet ${what}`,
      async () => {
        const stats = await this.stats(destination);
        return stats === null ? null : stats.pending;
      },
    );
    this.metrics.gauge(
      `${PREFIX[destination]}_oldest_pending_age_seconds`,
      `Age of the oldest outbox event not yet ${what} (0 when none is pending)`,
      async () => {
        const stats = await this.stats(destination);
        if (stats === null) return null;
        const since = stats.oldestPendingAt?.getTime();
        return since === undefined ? 0 : Math.max(0, (Date.now() - since) / 1000);
      },
    );
  }

  /** One query shared by both gauges of a scrape (the registry collects them concurrently). */
  private stats(destination: OutboxDestination): Promise<OutboxStats | null> {
    if (destination !== 'in-app' && !this.bus.hasDestination(destination)) {
      return Promise.resolve(null);
    }
    let running = this.inFlight.get(destination);
    if (!running) {
      running = this.metrics
        .read('outbox', () => this.outbox.stats(destination))
        .finally(() => this.inFlight.delete(destination));
      this.inFlight.set(destination, running);
    }
    return running;
  }
}
