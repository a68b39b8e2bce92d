import { registerEnumType } from '@nestjs/graphql';
import { ROLES, Role } from '../../../common/auth/role';

export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r])) as { [K in Role]: K };
registerEnumType(RoleEnum, { name: 'Role' });
