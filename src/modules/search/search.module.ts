import { Module } from '@nestjs/common';
import { DatabaseSearchIndex } from './database/database-search.index';
import { SEARCH_INDEX } from './search-index.port';
import { SearchController } from './search.controller';
import { SearchService } from './search.service';

@Module({
  controllers: [SearchController],
  providers: [
    DatabaseSearchIndex,
    {
      provide: SEARCH_INDEX,
      inject: [DatabaseSearchIndex],
      // The Elasticsearch binding (config `elasticsearch`) arrives with the indexing queue.
      useFactory: (database: DatabaseSearchIndex) => database,
    },
    SearchService,
  ],
  exports: [SEARCH_INDEX],
})
export class SearchModule {}
