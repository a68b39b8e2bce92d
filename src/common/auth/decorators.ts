import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { requestOf } from './request-of';
import { AuthUser, Role } from './role';

export const IS_PUBLIC_KEY = 'keel:isPublic';
export const ROLES_KEY = 'keel:roles';

/** Opts a route out of the global authentication guard. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/** Restricts a route to the given roles (checked after authentication). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);

/** The authenticated user of the request (REST route or GraphQL resolver). */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const req = requestOf(ctx);
  if (!req.user) throw new Error('CurrentUser used on a route without authentication');
  return req.user;
});
