import { PartialType, PickType } from '@nestjs/swagger';
import { IsString, MaxLength, ValidateIf } from 'class-validator';
import { NOT_NULL, RequiresAnyOf } from '../../../common/http/validation';
import { UserFieldsDto } from './user-fields.dto';

/** At least one of displayName and password; null is refused for every field. */
@RequiresAnyOf('displayName', 'password')
export class UpdateMeDto extends PartialType(
  PickType(UserFieldsDto, ['displayName', 'password'] as const),
  NOT_NULL,
) {
  /** Required when changing the password; never null. */
  @ValidateIf((o: UpdateMeDto) => o.password !== undefined || o.currentPassword !== undefined)
  @IsString({ message: 'currentPassword is required to change the password' })
  @MaxLength(128)
  currentPassword?: string;
}
