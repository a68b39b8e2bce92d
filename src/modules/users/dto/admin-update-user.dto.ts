import { ApiProperty, PartialType, PickType } from '@nestjs/swagger';
import { IsBoolean, IsIn } from 'class-validator';
import { ROLES, Role } from '../../../common/auth/role';
import { NOT_NULL, OptionalNotNull, RequiresAnyOf } from '../../../common/http/validation';
import { UserFieldsDto } from './user-fields.dto';

/** At least one field; null is refused for every field. */
@RequiresAnyOf('displayName', 'role', 'isActive')
export class AdminUpdateUserDto extends PartialType(
  PickType(UserFieldsDto, ['displayName'] as const),
  NOT_NULL,
) {
  @ApiProperty({ enum: ROLES, required: false })
  @OptionalNotNull()
  @IsIn(ROLES)
  role?: Role;

  /** false deactivates the account: its sessions end and it can no longer sign in. */
  @OptionalNotNull()
  @IsBoolean()
  isActive?: boolean;
}
