import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from './config/configuration';
import { AppCacheModule } from './cache/app-cache.module';
import { coreImports } from './core.imports';
import { AccountMailModule } from './modules/accounts/account-mail.module';
import { EventsModule } from './modules/events/events.module';
import { IndexingModule } from './modules/indexing/indexing.module';
import { MetricsRegistryModule } from './modules/metrics/metrics-registry.module';
import { OutboxModule } from './modules/outbox/outbox.module';
import { RealtimeFanoutModule } from './modules/realtime/realtime-fanout.module';

/**
 * The worker process (worker.ts): the background work of the application without HTTP or a
 * socket.io server. The outbox relay, the search-index queue processors, the reindex runner and
 * failed-job recovery, and the mail queue's jobs run as they do in an API with WORKERS=inline (they are the same providers,
 * switched on by `workers: 'inline'`); realtime fan-out broadcasts through the Redis emitter, which
 * the API processes' socket.io Redis adapters deliver to their clients.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (config.workers !== 'inline') {
      throw new Error('WorkerModule needs a configuration with workers: inline');
    }
    return {
      module: WorkerModule,
      imports: [
        ...coreImports(config),
        MetricsRegistryModule,
        AppCacheModule,
        OutboxModule,
        IndexingModule.forRoot(config),
        RealtimeFanoutModule,
        EventsModule.forRoot(config),
        AccountMailModule.forRoot(config),
      ],
    };
  }
}
