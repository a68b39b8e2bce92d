import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentUser } from '../../../common/auth/decorators';
import type { AuthUser } from '../../../common/auth/role';
import { uuidParam } from '../../../common/http/uuid-param.pipe';
import { SessionsService } from '../sessions.service';
import type { SessionDto } from './session.dto';
import { SessionModel } from './session.model';

/** /auth/sessions over GraphQL, with the same rules (SessionsService). */
@Resolver(() => SessionModel)
export class SessionsResolver {
  constructor(private readonly service: SessionsService) {}

  @Query(() => [SessionModel], {
    description: 'The signed-in devices (sessions) of the caller, newest first.',
  })
  sessions(@CurrentUser() user: AuthUser): Promise<SessionDto[]> {
    return this.service.list(user.id, user.sessionId);
  }

  @Mutation(() => Boolean, {
    description:
      'End one of your sessions: its tokens are refused and its live connections closed. Another user’s id answers session_not_found.',
  })
  async endSession(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => ID }, uuidParam()) id: string,
  ): Promise<boolean> {
    await this.service.endOwn(user.id, id);
    return true;
  }
}
