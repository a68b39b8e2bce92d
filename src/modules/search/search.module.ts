import { BullModule } from '@nestjs/bull';
import { DynamicModule, Logger, Module, Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ElasticsearchModule, ElasticsearchService } from '@nestjs/elasticsearch';
import type { AppConfig } from '../../config/configuration';
import { OutboxModule } from '../outbox/outbox.module';
import { AdminQueuesController } from './admin-queues.controller';
import { DatabaseSearchIndex } from './database/database-search.index';
import { ElasticsearchSearchIndex } from './elasticsearch/elasticsearch-search.index';
import { FailedJobRecovery } from './indexing/failed-job-recovery';
import { BullSearchQueue } from './indexing/bull-search.queue';
import { InProcessSearchQueue } from './indexing/in-process-search.queue';
import { QueueName, SEARCH_QUEUE } from './indexing/search-index.job';
import { SearchIndexSubscriber } from './indexing/search-index.subscriber';
import { SearchIndexer } from './indexing/search-indexer';
import { SearchItemsRepository } from './indexing/search-items.repository';
import { AdminSearchController } from './reindex/admin-search.controller';
import { ReindexRepository } from './reindex/reindex.repository';
import { ReindexRunner } from './reindex/reindex-runner';
import { SearchReindexService } from './reindex/search-reindex.service';
import { SEARCH_INDEX, type SearchIndex } from './search-index.port';
import { SearchController } from './search.controller';
import { SearchService } from './search.service';

/** How long boot waits for Elasticsearch to create the index before going on without it. */
const ENSURE_INDEX_TIMEOUT_MS = 10_000;

const logger = new Logger('SearchModule');

/** The one place the search index driver is chosen: Elasticsearch when configured, else the database. */
const searchIndexProvider: Provider = {
  provide: SEARCH_INDEX,
  inject: [ConfigService, DatabaseSearchIndex, { token: ElasticsearchService, optional: true }],
  useFactory: async (
    config: ConfigService<AppConfig, true>,
    database: DatabaseSearchIndex,
    client?: ElasticsearchService,
  ): Promise<SearchIndex> => {
    if (config.get('elasticsearch', { infer: true }) === null || !client) return database;
    const index = new ElasticsearchSearchIndex(client);
    let timer: NodeJS.Timeout | undefined;
    try {
      const ensured = index.ensureIndex();
      ensured.catch(() => undefined); // may reject after the timeout has won
      await Promise.race([
        ensured,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), ENSURE_INDEX_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      // Boot goes on: the driver creates the index before its first read or write once
      // Elasticsearch answers; searches fail and index jobs retry until then.
      logger.warn({ event: 'search.ensure_index.failed', reason: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
    return index;
  },
};

function required<T>(value: T | null): T {
  if (value === null) throw new Error('search module built for a configuration it was not given');
  return value;
}

@Module({})
export class SearchModule {
  /**
   * The queue driver is chosen here, once, from the configuration: Bull on Redis when `redis` is
   * set, otherwise the in-process runner with the same contract.
   */
  static forRoot(config: AppConfig): DynamicModule {
    const imports: NonNullable<DynamicModule['imports']> = [OutboxModule];
    if (config.elasticsearch) {
      imports.push(
        ElasticsearchModule.registerAsync({
          inject: [ConfigService],
          useFactory: (cs: ConfigService<AppConfig, true>) => ({
            node: required<NonNullable<AppConfig['elasticsearch']>>(
              cs.get('elasticsearch', { infer: true }),
            ).node,
          }),
        }),
      );
    }
    let queue: Provider;
    if (config.redis) {
      imports.push(
        BullModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (cs: ConfigService<AppConfig, true>) => {
            const redis = required<NonNullable<AppConfig['redis']>>(
              cs.get('redis', { infer: true }),
            );
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
      module: SearchModule,
      imports,
      controllers: [SearchController, AdminQueuesController, AdminSearchController],
      providers: [
        DatabaseSearchIndex,
        searchIndexProvider,
        SearchService,
        SearchItemsRepository,
        SearchIndexer,
        queue,
        SearchIndexSubscriber,
        FailedJobRecovery,
        ReindexRepository,
        ReindexRunner,
        SearchReindexService,
      ],
      exports: [SEARCH_INDEX, SEARCH_QUEUE],
    };
  }
}
