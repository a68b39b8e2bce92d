import { Inject, Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/auth/role';
import type { SearchItemsQueryDto } from './dto/search-items-query.dto';
import type { SearchPageDto } from './dto/search-page.dto';
import type { SuggestQueryDto } from './dto/suggest-query.dto';
import type { SuggestionsDto } from './dto/suggestions.dto';
import { SEARCH_INDEX, type SearchIndex } from './search-index.port';

export const MAX_SUGGESTIONS = 10;

/** Search over items through whichever SearchIndex is bound; visibility is the index's query. */
@Injectable()
export class SearchService {
  constructor(@Inject(SEARCH_INDEX) private readonly index: SearchIndex) {}

  search(viewer: AuthUser, query: SearchItemsQueryDto): Promise<SearchPageDto> {
    return this.index.search({
      viewer,
      q: query.q,
      tag: query.tag,
      status: query.status,
      ownerId: query.ownerId,
      limit: query.limit,
      cursor: query.cursor,
    });
  }

  async suggest(viewer: AuthUser, query: SuggestQueryDto): Promise<SuggestionsDto> {
    const data = await this.index.suggest({ viewer, prefix: query.q, limit: MAX_SUGGESTIONS });
    return { data: data.slice(0, MAX_SUGGESTIONS) };
  }
}
