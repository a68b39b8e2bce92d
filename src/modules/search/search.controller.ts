import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../common/auth/decorators';
import type { AuthUser } from '../../common/auth/role';
import { ApiAuth, ApiProblems } from '../../common/swagger/api-problems.decorator';
import { SearchItemsQueryDto } from './dto/search-items-query.dto';
import { SearchPageDto } from './dto/search-page.dto';
import { SuggestQueryDto } from './dto/suggest-query.dto';
import { SuggestionsDto } from './dto/suggestions.dto';
import { SearchService } from './search.service';

@ApiTags('search')
@ApiAuth()
@Controller('search/items')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get()
  @ApiOperation({
    summary: 'Search the items you may read (published, plus your own; admins: all)',
    description:
      'Ranked by relevance (title matches first); an empty q lists by recency. Pass nextCursor ' +
      'back as cursor with the same query.',
  })
  @ApiOkResponse({ type: SearchPageDto })
  @ApiProblems(400)
  items(
    @CurrentUser() user: AuthUser,
    @Query() query: SearchItemsQueryDto,
  ): Promise<SearchPageDto> {
    return this.search.search(user, query);
  }

  @Get('suggest')
  @ApiOperation({ summary: 'Up to 10 titles of items you may read, for type-ahead' })
  @ApiOkResponse({ type: SuggestionsDto })
  @ApiProblems(400)
  suggest(@CurrentUser() user: AuthUser, @Query() query: SuggestQueryDto): Promise<SuggestionsDto> {
    return this.search.suggest(user, query);
  }
}
