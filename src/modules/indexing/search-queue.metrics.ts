import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { QUEUE_STATES, QueueName, SEARCH_QUEUE, type SearchQueue } from './search-index.job';
import { MetricsRegistry } from '../metrics/metrics-registry';

/**
 * `keel_queue_jobs{queue,state}`: jobs per state, read from the queue at each scrape (Bull counts
 * are shared by every process on the same Redis; the in-process runner counts its own). `completed`
 * counts the completed jobs kept for deduplication, not every job ever run.
 */
@Injectable()
export class SearchQueueMetrics {
  constructor(metrics: MetricsRegistry, @Inject(SEARCH_QUEUE) queue: SearchQueue) {
    const gauge: Gauge<'queue' | 'state'> = new Gauge({
      name: 'keel_queue_jobs',
      help: 'Jobs in a queue, by state',
      labelNames: ['queue', 'state'],
      registers: [metrics.registry],
      collect: async () => {
        const counts = await metrics.read('queue', () => queue.counts());
        gauge.reset();
        if (counts === null) return;
        for (const state of QUEUE_STATES) {
          gauge.set({ queue: QueueName.SearchIndex, state }, counts[state]);
        }
      },
    });
  }
}
