import { Args, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentUser } from '../../../common/auth/decorators';
import type { AuthUser } from '../../../common/auth/role';
import { PageArgs, pageQueryOf } from '../../../common/graphql/page-args';
import { UserModel } from '../../users/graphql/user.model';
import { ItemsService } from '../items.service';
import { ItemConnection, itemConnectionOf } from './item-connection.model';

/**
 * User.items: that user's items the viewer may read, newest first; the same query as
 * GET /items?ownerId=, so a stranger never sees another user's drafts here either.
 */
@Resolver(() => UserModel)
export class UserItemsResolver {
  constructor(private readonly service: ItemsService) {}

  @ResolveField('items', () => ItemConnection)
  async items(
    @Parent() user: UserModel,
    @CurrentUser() viewer: AuthUser,
    @Args() args: PageArgs,
  ): Promise<ItemConnection> {
    const query = {
      ownerId: user.id,
      sort: 'createdAt',
      order: 'desc',
      ...pageQueryOf(args),
    } as const;
    return itemConnectionOf(await this.service.listEdges(viewer, query));
  }
}
