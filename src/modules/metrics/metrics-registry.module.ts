import { Global, Module } from '@nestjs/common';
import { MetricsRegistry } from './metrics-registry';

/**
 * The process's Prometheus registry, global so each module provides its own collectors and
 * registers them here (outbox, indexing, realtime ...) without MetricsModule knowing them. The API
 * and the worker both import it; only the API serves /metrics (MetricsModule).
 */
@Global()
@Module({
  providers: [MetricsRegistry],
  exports: [MetricsRegistry],
})
export class MetricsRegistryModule {}
