import { Field, ID, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '../../../common/graphql/date-time.scalar';
import type { Role } from '../../../common/auth/role';
import type { UserDto } from '../dto/user.dto';
import { RoleEnum } from './user-role.enum';

/** A whole account (me, and users for admins): the REST UserDto field for field, plus `items`. */
@ObjectType('User')
export class UserModel implements UserDto {
  @Field(() => ID)
  id!: string;

  @Field()
  email!: string;

  @Field()
  displayName!: string;

  @Field(() => RoleEnum)
  role!: Role;

  @Field()
  isActive!: boolean;

  @Field({ description: 'Whether the user opened the verification link mailed to `email`.' })
  emailVerified!: boolean;

  @Field(() => DateTimeScalar)
  createdAt!: string;

  @Field(() => DateTimeScalar)
  updatedAt!: string;
}
