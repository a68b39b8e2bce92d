import { PartialType, PickType } from '@nestjs/swagger';
import { IsString, MaxLength, ValidateIf } from 'class-validator';
import { UserFieldsDto } from './user-fields.dto';

export class UpdateMeDto extends PartialType(
  PickType(UserFieldsDto, ['displayName', 'password'] as const),
) {
  /** Required when changing the password. */
  @ValidateIf((o: UpdateMeDto) => o.password !== undefined)
  @IsString({ message: 'currentPassword is required to change the password' })
  @MaxLength(128)
  currentPassword?: string;
}
