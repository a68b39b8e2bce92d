import { Module } from '@nestjs/common';
import { CacheMetrics } from './cache.metrics';
import { DbPoolMetrics } from './db-pool.metrics';
import { HttpMetrics } from './http-metrics';
import { MetricsRegistryModule } from './metrics-registry.module';
import { MetricsTokenGuard } from './metrics-token.guard';
import { MetricsController } from './metrics.controller';

/**
 * Prometheus metrics of this process at GET /metrics (see MetricsTokenGuard for access), with the
 * collectors of what every module shares: HTTP requests, the cache and the database pool. Feature
 * modules register their own collectors (outbox, search-index queue, websockets).
 */
@Module({
  imports: [MetricsRegistryModule],
  controllers: [MetricsController],
  providers: [MetricsTokenGuard, HttpMetrics, CacheMetrics, DbPoolMetrics],
})
export class MetricsModule {}
