import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { OutboxRepository, type OutboxStats } from './outbox.repository';
import { MetricsRegistry, setOrOmit } from '../metrics/metrics-registry';

/**
 * `keel_outbox_pending` and `keel_outbox_oldest_pending_age_seconds`: events committed but not yet
 * dispatched, and how long the oldest has waited. A growing age means the relay is stuck or a
 * subscriber (Redis, Elasticsearch) keeps failing. Both gauges come from one query per scrape.
 */
@Injectable()
export class OutboxMetrics {
  private inFlight: Promise<OutboxStats | null> | null = null;

  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly outbox: OutboxRepository,
  ) {
    const pending: Gauge = new Gauge({
      name: 'keel_outbox_pending',
      help: 'Outbox events not yet dispatched',
      registers: [metrics.registry],
      collect: async () => {
        const stats = await this.stats();
        setOrOmit(pending, stats === null ? null : stats.pending);
      },
    });
    const oldestAge: Gauge = new Gauge({
      name: 'keel_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest outbox event not yet dispatched (0 when none is pending)',
      registers: [metrics.registry],
      collect: async () => {
        const stats = await this.stats();
        const since = stats?.oldestPendingAt?.getTime();
        setOrOmit(
          oldestAge,
          stats === null
            ? null
            : since === undefined
              ? 0
              : Math.max(0, (Date.now() - since) / 1000),
        );
      },
    });
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
