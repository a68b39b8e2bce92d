import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/decorators';
import type { AuthUser } from '../../../common/auth/role';
import { uuidParam } from '../../../common/http/uuid-param.pipe';
import { ApiAuth, ApiProblems } from '../../../common/swagger/api-problems.decorator';
import { SessionsService } from '../sessions.service';
import { SessionDto } from './session.dto';

@ApiTags('auth')
@ApiAuth()
@Controller('auth/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOperation({
    summary:
      'The signed-in devices (sessions) of the caller, newest first; `current` marks this one',
  })
  @ApiOkResponse({ type: [SessionDto] })
  list(@CurrentUser() user: AuthUser): Promise<SessionDto[]> {
    return this.sessions.list(user.id, user.sessionId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'End one of your sessions',
    description:
      'Its refresh token and access tokens stop working at once; its sockets and GraphQL ' +
      'subscriptions are disconnected. Another user’s session id answers 404, as an unknown one.',
  })
  @ApiNoContentResponse({ description: 'Session ended' })
  @ApiProblems(400, 'session_not_found')
  async end(@CurrentUser() user: AuthUser, @Param('id', uuidParam()) id: string): Promise<void> {
    await this.sessions.endOwn(user.id, id);
  }
}
