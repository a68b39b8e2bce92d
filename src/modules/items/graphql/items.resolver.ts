import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentUser } from '../../../common/auth/decorators';
import type { AuthUser } from '../../../common/auth/role';
import { pageQueryOf } from '../../../common/graphql/page-args';
import { etagOf } from '../../../common/http/etag';
import { uuidParam } from '../../../common/http/uuid-param.pipe';
import type { ItemDto } from '../dto/item.dto';
import { ItemsService } from '../items.service';
import { CreateItemInput } from './create-item.input';
import { ItemConnection, itemConnectionOf } from './item-connection.model';
import { ItemModel } from './item.model';
import { ItemsArgs } from './items.args';
import { UpdateItemInput } from './update-item.input';

/** /items over GraphQL: one call into ItemsService per field, as the controller does. */
@Resolver(() => ItemModel)
export class ItemsResolver {
  constructor(private readonly service: ItemsService) {}

  @Query(() => ItemModel, { description: 'One item you may read; not_found otherwise.' })
  item(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => ID }, uuidParam()) id: string,
  ): Promise<ItemDto> {
    return this.service.get(user, id);
  }

  @Query(() => ItemConnection, {
    description: 'The items you may read (published, your own; admins: all), keyset-paginated.',
  })
  async items(@CurrentUser() user: AuthUser, @Args() args: ItemsArgs): Promise<ItemConnection> {
    const order = args.orderBy ?? { sort: 'createdAt', order: 'desc' };
    const page = await this.service.listEdges(user, {
      ...args.filter,
      ...order,
      ...pageQueryOf(args),
    });
    return itemConnectionOf(page);
  }

  @Mutation(() => ItemModel, { description: 'Create an item (owned by you; draft by default).' })
  async createItem(
    @CurrentUser() user: AuthUser,
    @Args('input') input: CreateItemInput,
  ): Promise<ItemDto> {
    return (await this.service.create(user, input)).item;
  }

  @Mutation(() => ItemModel, {
    description:
      'Change an item (owner or admin); with expectedVersion, refused if it has moved on.',
  })
  updateItem(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => ID }, uuidParam()) id: string,
    @Args('input') input: UpdateItemInput,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ): Promise<ItemDto> {
    return this.service.update(user, id, input, ifMatchOf(id, expectedVersion));
  }

  @Mutation(() => Boolean, { description: 'Soft-delete an item (owner or admin); true when done.' })
  async deleteItem(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => ID }, uuidParam()) id: string,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ): Promise<boolean> {
    await this.service.remove(user, id, ifMatchOf(id, expectedVersion));
    return true;
  }

  @Mutation(() => ItemModel, { description: 'Restore a soft-deleted item (owner or admin).' })
  restoreItem(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => ID }, uuidParam()) id: string,
  ): Promise<ItemDto> {
    return this.service.restore(user, id);
  }
}

/** expectedVersion is If-Match in REST terms: the same precondition, the same answer. */
const ifMatchOf = (id: string, version: number | undefined): string | undefined =>
  version === undefined || version === null ? undefined : etagOf(id, version);
