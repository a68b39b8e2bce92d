import { DynamicModule, Logger, Module, Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ElasticsearchModule, ElasticsearchService } from '@nestjs/elasticsearch';
import type { AppConfig } from '../../config/configuration';
import { ItemsReadModule } from '../items/items-read.module';
import { DatabaseSearchIndex } from './database/database-search.index';
import { ElasticsearchSearchIndex } from './elasticsearch/elasticsearch-search.index';
import { SEARCH_INDEX, type SearchIndex } from './search-index.port';
import { SearchController } from './search.controller';
import { SearchService } from './search.service';
import { SearchResolver } from './graphql/search.resolver';

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

/** One SearchModule per configuration, so every importer (the app, IndexingModule) shares its providers. */
const built = new WeakMap<AppConfig, DynamicModule>();

@Module({})
export class SearchModule {
  /**
   * Querying items, and the SearchIndex port (exported) bound to the driver the configuration
   * names. Called again with the same configuration it returns the same module, so importers share
   * one index instance.
   */
  static forRoot(config: AppConfig): DynamicModule {
    const existing = built.get(config);
    if (existing) return existing;
    const imports: NonNullable<DynamicModule['imports']> = [ItemsReadModule];
    if (config.elasticsearch) {
      const { node } = config.elasticsearch;
      imports.push(ElasticsearchModule.register({ node }));
    }
    const module: DynamicModule = {
      module: SearchModule,
      imports,
      controllers: [SearchController],
      providers: [DatabaseSearchIndex, searchIndexProvider, SearchService, SearchResolver],
      exports: [SEARCH_INDEX],
    };
    built.set(config, module);
    return module;
  }
}
