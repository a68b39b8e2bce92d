import { ApiProperty, PartialType, PickType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { ROLES, Role } from '../../../common/auth/role';
import { UserFieldsDto } from './user-fields.dto';

export class AdminUpdateUserDto extends PartialType(
  PickType(UserFieldsDto, ['displayName'] as const),
) {
  @ApiProperty({ enum: ROLES, required: false })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  /** false deactivates the account: its sessions end and it can no longer sign in. */
  @IsOptional()
  @IsBoolean()
  isActive?: boolean;
}
