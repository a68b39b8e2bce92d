import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ROLES_KEY } from '../../common/auth/decorators';
import { requestOf } from '../../common/auth/request-of';
import { Role } from '../../common/auth/role';
import { InsufficientRole } from './auth.exceptions';

/** Global, after authentication: enforces @Roles(...) where present. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles || roles.length === 0) return true;
    const user = requestOf(context).user;
    if (!user || !roles.includes(user.role)) throw new InsufficientRole();
    return true;
  }
}
