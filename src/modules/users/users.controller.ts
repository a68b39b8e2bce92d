import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../../common/auth/decorators';
import { AuthUser } from '../../common/auth/role';
import { uuidParam } from '../../common/http/uuid-param.pipe';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { ApiAuth, ApiProblems } from '../../common/swagger/api-problems.decorator';
import { AdminUpdateUserDto } from './dto/admin-update-user.dto';
import { UpdateMeDto } from './dto/update-me.dto';
import { UserDto, UserPageDto } from './dto/user.dto';
import { UsersService } from './users.service';

const uuid = uuidParam('id');

@ApiTags('users')
@ApiAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  me(@CurrentUser() user: AuthUser): Promise<UserDto> {
    return this.users.getById(user.id);
  }

  @Patch('me')
  @ApiOperation({
    summary: 'Change your display name or password (role and email cannot be changed here)',
  })
  @ApiProblems(400, 415)
  updateMe(@CurrentUser() user: AuthUser, @Body() body: UpdateMeDto): Promise<UserDto> {
    return this.users.updateMe(user.id, body);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List users (admin), oldest first, cursor-paginated' })
  @ApiProblems(400, 403)
  list(@Query() query: PageQueryDto): Promise<UserPageDto> {
    return this.users.list(query);
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'One user (admin)' })
  @ApiProblems(400, 403, 'not_found')
  get(@Param('id', uuid) id: string): Promise<UserDto> {
    return this.users.getById(id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a user’s display name, role or active flag (admin)' })
  @ApiProblems(400, 403, 'not_found', 'cannot_change_own_admin_access', 415)
  update(
    @CurrentUser() actor: AuthUser,
    @Param('id', uuid) id: string,
    @Body() body: AdminUpdateUserDto,
  ): Promise<UserDto> {
    return this.users.adminUpdate(actor, id, body);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user and their sessions (admin)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 403, 'not_found', 'cannot_change_own_admin_access', 'user_owns_items')
  remove(@CurrentUser() actor: AuthUser, @Param('id', uuid) id: string): Promise<void> {
    return this.users.adminDelete(actor, id);
  }
}
