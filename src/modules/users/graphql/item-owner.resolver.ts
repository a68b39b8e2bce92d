import { ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphqlContext } from '../../../common/auth/request-of';
import { ItemModel } from '../../items/graphql/item.model';
import type { UserProfileDto } from '../dto/user-profile.dto';
import { OwnerModel } from './owner.model';
import { UserProfilesLoader } from './user-profiles.loader';

/**
 * Item.owner: the owner's public profile, batched per request. Whoever reads the item may see it
 * (the item was already checked against the visibility rule).
 *
 * The method takes graphql-js's own arguments (parent, args, context) and no parameter decorators:
 * @nestjs/graphql then calls it directly instead of through Nest's per-call wrapper
 * (ExternalContextCreator: the global ValidationPipe run on the parent item, several promises),
 * which ran once per item of a page (bench/README.md, GraphQL suite). Guards, interceptors and
 * filters do not run on field resolvers either way (fieldResolverEnhancers is left empty).
 */
@Resolver(() => ItemModel)
export class ItemOwnerResolver {
  constructor(private readonly profiles: UserProfilesLoader) {}

  @ResolveField('owner', () => OwnerModel, { nullable: true })
  owner(
    item: ItemModel,
    _args: unknown,
    ctx: GraphqlContext,
  ): UserProfileDto | Promise<UserProfileDto | null> {
    return this.profiles.load(ctx.req, item.ownerId);
  }
}
