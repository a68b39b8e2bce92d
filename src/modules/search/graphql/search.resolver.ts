import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentUser } from '../../../common/auth/decorators';
import type { AuthUser } from '../../../common/auth/role';
import { pageQueryOf } from '../../../common/graphql/page-args';
import { SearchService } from '../search.service';
import { SearchConnection } from './search-connection.model';
import { SearchItemsArgs } from './search-items.args';
import { SuggestItemsArgs } from './suggest-items.args';

/** /search/items over GraphQL, through SearchService (visibility is the index's query). */
@Resolver()
export class SearchResolver {
  constructor(private readonly search: SearchService) {}

  @Query(() => SearchConnection, { description: 'Search the items you may read.' })
  async searchItems(
    @CurrentUser() user: AuthUser,
    @Args() args: SearchItemsArgs,
  ): Promise<SearchConnection> {
    const page = await this.search.search(user, {
      ...args.filter,
      q: args.query,
      ...pageQueryOf(args),
    });
    return {
      nodes: page.data,
      total: page.total,
      pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor },
    };
  }

  @Query(() => [String], { description: 'Up to 10 titles of items you may read, for type-ahead.' })
  async suggestItems(
    @CurrentUser() user: AuthUser,
    @Args() args: SuggestItemsArgs,
  ): Promise<string[]> {
    return (await this.search.suggest(user, { q: args.prefix })).data;
  }
}
