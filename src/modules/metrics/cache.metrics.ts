import { Injectable } from '@nestjs/common';
import { AppCache } from '../../cache/app-cache.service';
import { MetricsRegistry } from './metrics-registry';

/**
 * `keel_cache_operations_total{result="hit|miss|error"}`: AppCache's running totals since start,
 * exposed as a counter (rate() over it gives the hit ratio). `error` counts store failures and
 * timeouts of any operation, reads and writes alike.
 */
@Injectable()
export class CacheMetrics {
  constructor(metrics: MetricsRegistry, cache: AppCache) {
    metrics.labelled({
      name: 'keel_cache_operations_total',
      help: 'Cache reads that hit or missed, and cache operations that failed',
      label: 'result',
      counter: true,
      read: () => {
        const { hits, misses, errors } = cache.stats;
        return { hit: hits, miss: misses, error: errors };
      },
    });
  }
}
