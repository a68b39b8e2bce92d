import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../../config/configuration';
import { OutboxModule } from '../outbox/outbox.module';
import { SearchModule } from '../search/search.module';
import { AdminQueuesController } from './admin-queues.controller';
import { BullSearchQueue } from './bull-search.queue';
import { FailedJobRecovery } from './failed-job-recovery';
import { InProcessSearchQueue } from './in-process-search.queue';
import { AdminReindexController } from './reindex/admin-reindex.controller';
import { ReindexRepository } from './reindex/reindex.repository';
import { ReindexRunner } from './reindex/reindex-runner';
import { SearchReindexService } from './reindex/search-reindex.service';
import { QueueName, SEARCH_QUEUE } from './search-index.job';
import { SearchIndexProcessor } from './search-index.processor';
import { SearchIndexSubscriber } from './search-index.subscriber';
import { SearchItemsRepository } from './search-items.repository';
import { SearchQueueMetrics } from './search-queue.metrics';

/**
 * Keeping the search index current: outbox item events → search-index queue → processor, full
 * reindex jobs, failed-job recovery and the admin queue routes. Queries are SearchModule's; this
 * module writes through the SearchIndex port it exports.
 */
@Module({})
export class IndexingModule {
  /**
   * The queue driver is chosen here, once, from the configuration: Bull on Redis when `redis` is
   * set, otherwise the in-process runner with the same contract.
   */
  static forRoot(config: AppConfig): DynamicModule {
    const imports: NonNullable<DynamicModule['imports']> = [
      SearchModule.forRoot(config),
      OutboxModule,
    ];
    let queue: Provider;
    if (config.redis) {
      imports.push(
        BullModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (cs: ConfigService<AppConfig, true>) => {
            const redis = cs.get('redis', { infer: true });
            if (redis === null) throw new Error('IndexingModule built for another configuration');
            return { url: redis.url, prefix: `${redis.keyPrefix}bull` };
          },
        }),
        BullModule.registerQueueAsync({ name: QueueName.SearchIndex }),
      );
      queue = { provide: SEARCH_QUEUE, useClass: BullSearchQueue };
    } else {
      queue = { provide: SEARCH_QUEUE, useClass: InProcessSearchQueue };
    }
    return {
      module: IndexingModule,
      imports,
      controllers: [AdminQueuesController, AdminReindexController],
      providers: [
        SearchItemsRepository,
        SearchIndexProcessor,
        queue,
        SearchIndexSubscriber,
        FailedJobRecovery,
        ReindexRepository,
        ReindexRunner,
        SearchReindexService,
        SearchQueueMetrics,
      ],
      exports: [SEARCH_QUEUE],
    };
  }
}
