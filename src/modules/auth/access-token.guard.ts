import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY } from '../../common/auth/decorators';
import { requestOf } from '../../common/auth/request-of';
import { AccessTokenVerifier } from './access-token-verifier';

/**
 * Global: every route needs a valid access token in the Authorization header (never the query
 * string) unless it is marked @Public(). The user it resolves is `request.user`. GraphQL resolvers
 * are guarded the same way (field resolvers are not: their parent was already authorised).
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = requestOf(context);
    request.user = await this.verifier.requireUser(request.headers.authorization);
    return true;
  }
}
