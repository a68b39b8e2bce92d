import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { OutboxRepository, type OutboxStats } from './outbox.repository';

/**
 * `keel_outbox_pending` and `keel_outbox_oldest_pending_age_seconds`: events committed but not yet
 * dispatched, and how long the oldest has waited. A growing age means the relay is stuck or a
 * handler (Redis, Elasticsearch) keeps failing. Both gauges come from one query per scrape.
 */
@Injectable()
export class OutboxMetrics {
  private inFlight: Promise<OutboxStats | null> | null = null;

  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly outbox: OutboxRepository,
  ) {
    metrics.gauge('keel_outbox_pending', 'Outbox events not yet dispatched', async () => {
      const stats = await this.stats();
      return stats === null ? null : stats.pending;
    });
    metrics.gauge(
      'keel_outbox_oldest_pending_age_seconds',
      'Age of the oldest outbox event not yet dispatched (0 when none is pending)',
      async () => {
        const stats = await this.stats();
        if (stats === null) return null;
        const since = stats.oldestPendingAt?.getTime();
        return since === undefined ? 0 : Math.max(0, (Date.now() - since) / 1000);
      },
    );
  }

  /** One query shared by both gauges of a scrape (the registry collects them concurrently). */
  private stats(): Promise<OutboxStats | null> {
    this.inFlight ??= this.metrics
      .read('outbox', () => this.outbox.stats())
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }
}
