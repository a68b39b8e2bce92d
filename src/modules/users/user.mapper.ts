import { UserDto } from './dto/user.dto';
import type { UserEntity } from './user.entity';

export function toUserDto(user: UserEntity): UserDto {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    isActive: user.isActive,
    // After an insert on MySQL, TypeORM merges the column's database default into the entity as
    // the raw value (0), not as a boolean: normalised here, where every user DTO is made.
    emailVerified: Boolean(user.emailVerified),
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
