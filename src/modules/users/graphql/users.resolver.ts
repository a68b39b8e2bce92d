import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentUser, Roles } from '../../../common/auth/decorators';
import type { AuthUser } from '../../../common/auth/role';
import { PageArgs, pageQueryOf } from '../../../common/graphql/page-args';
import { connectionOf } from '../../../common/graphql/page-info.model';
import { uuidParam } from '../../../common/http/uuid-param.pipe';
import type { UserDto } from '../dto/user.dto';
import { UsersService } from '../users.service';
import { UpdateMeInput } from './update-me.input';
import { UserConnection } from './user-connection.model';
import { UserModel } from './user.model';

/** /users over GraphQL: the signed-in user, and (admins) any user. */
@Resolver(() => UserModel)
export class UsersResolver {
  constructor(private readonly service: UsersService) {}

  @Query(() => UserModel, { description: 'The signed-in user.' })
  me(@CurrentUser() user: AuthUser): Promise<UserDto> {
    return this.service.getById(user.id);
  }

  @Query(() => UserModel, { description: 'One user (admin).' })
  @Roles('admin')
  user(@Args('id', { type: () => ID }, uuidParam()) id: string): Promise<UserDto> {
    return this.service.getById(id);
  }

  @Query(() => UserConnection, { description: 'Users, oldest first (admin).' })
  @Roles('admin')
  async users(@Args() args: PageArgs): Promise<UserConnection> {
    return connectionOf(await this.service.list(pageQueryOf(args)));
  }

  @Mutation(() => UserModel, { description: 'Change your display name or password.' })
  updateMe(@CurrentUser() user: AuthUser, @Args('input') input: UpdateMeInput): Promise<UserDto> {
    return this.service.updateMe(user.id, input);
  }
}
