import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphqlContext } from '../../../common/auth/request-of';
import { ItemModel } from '../../items/graphql/item.model';
import type { UserProfileDto } from '../dto/user-profile.dto';
import { OwnerModel } from './owner.model';
import { UserProfilesLoader } from './user-profiles.loader';

/**
 * Item.owner: the owner's public profile, batched per request. Whoever reads the item may see it
 * (the item was already checked against the visibility rule).
 */
@Resolver(() => ItemModel)
export class ItemOwnerResolver {
  constructor(private readonly profiles: UserProfilesLoader) {}

  @ResolveField('owner', () => OwnerModel, { nullable: true })
  owner(@Parent() item: ItemModel, @Context() ctx: GraphqlContext): Promise<UserProfileDto | null> {
    return this.profiles.load(ctx.req, item.ownerId);
  }
}
