import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/configuration';
import { searchQueueBinding } from '../../infrastructure/profile.providers';
import { ItemsReadModule } from '../items/items-read.module';
import { OutboxModule } from '../outbox/outbox.module';
import { SearchModule } from '../search/search.module';
import { AdminQueuesController } from './admin-queues.controller';
import { FailedJobRecovery } from './failed-job-recovery';
import { ItemSearchIndexHandler } from './item-search-index.handler';
import { AdminReindexController } from './reindex/admin-reindex.controller';
import { ReindexRepository } from './reindex/reindex.repository';
import { ReindexRunner } from './reindex/reindex-runner';
import { SearchReindexService } from './reindex/search-reindex.service';
import { SEARCH_QUEUE } from './search-index.job';
import { SearchIndexProcessor } from './search-index.processor';
import { SearchJobBatches } from './search-job-batches';
import { SearchQueueMetrics } from './search-queue.metrics';

/**
 * Keeping the search index current: outbox item events → search-index queue → processor, full
 * reindex jobs, failed-job recovery and the admin queue routes. Queries are SearchModule's; this
 * module writes through the SearchIndex port it exports.
 */
@Module({})
export class IndexingModule {
  /** The search-index queue is the profile's choice (Bull on Redis, or in process). */
  static forRoot(config: AppConfig): DynamicModule {
    const queue = searchQueueBinding(config);
    return {
      module: IndexingModule,
      imports: [SearchModule.forRoot(config), ItemsReadModule, OutboxModule, ...queue.imports],
      controllers: [AdminQueuesController, AdminReindexController],
      providers: [
        SearchIndexProcessor,
        SearchJobBatches,
        queue.provider,
        ItemSearchIndexHandler,
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
