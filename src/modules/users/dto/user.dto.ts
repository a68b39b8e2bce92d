import { ApiProperty } from '@nestjs/swagger';
import { ROLES, Role } from '../../../common/auth/role';

export class UserDto {
  /** @example 3f1c1f1e-2f47-4f8e-9d4b-6c1f0a6f8b11 */
  id!: string;
  /** @example ada@example.com */
  email!: string;
  /** @example Ada Lovelace */
  displayName!: string;
  @ApiProperty({ enum: ROLES })
  role!: Role;
  isActive!: boolean;
  /** Whether the user opened the verification link mailed to `email`. */
  emailVerified!: boolean;
  createdAt!: string;
  updatedAt!: string;
}

export class UserPageDto {
  data!: UserDto[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
