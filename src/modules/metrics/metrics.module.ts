import { DynamicModule, Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { CacheMetrics } from './cache.metrics';
import { DbPoolMetrics } from './db-pool.metrics';
import { HttpMetrics } from './http-metrics';
import { MetricsRegistry } from './metrics-registry';
import { MetricsTokenGuard } from './metrics-token.guard';
import { MetricsController } from './metrics.controller';
import { OutboxMetrics } from './outbox.metrics';
import { QueueMetrics } from './queue.metrics';
import { RealtimeMetrics } from './realtime.metrics';

/** Prometheus metrics of this process at GET /metrics (see MetricsTokenGuard for access). */
@Module({})
export class MetricsModule {
  /**
   * `search` is the very SearchModule the application imports: its SEARCH_QUEUE is the queue counted
   * here (passing it, rather than building another, keeps one instance whatever its options are).
   */
  static forRoot(search: DynamicModule): DynamicModule {
    return {
      module: MetricsModule,
      imports: [search, OutboxModule, RealtimeModule],
      controllers: [MetricsController],
      providers: [
        MetricsRegistry,
        MetricsTokenGuard,
        HttpMetrics,
        QueueMetrics,
        OutboxMetrics,
        RealtimeMetrics,
        CacheMetrics,
        DbPoolMetrics,
      ],
    };
  }
}
