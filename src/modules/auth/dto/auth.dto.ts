import { ApiProperty, PickType } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { OptionalNotNull } from '../../../common/http/validation';
import { UserFieldsDto } from '../../users/dto/user-fields.dto';

export class RegisterDto extends PickType(UserFieldsDto, [
  'email',
  'password',
  'displayName',
] as const) {}

export class LoginDto extends PickType(UserFieldsDto, ['email'] as const) {
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password!: string;
}

/**
 * Browsers send the refresh token in the httpOnly cookie; API clients may send it here instead.
 * Leave it out (or send no body) to use the cookie; null is refused.
 */
export class RefreshDto {
  @OptionalNotNull()
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  refreshToken?: string;
}

export class TokensDto {
  /** JWT to send as `Authorization: Bearer <accessToken>`. */
  accessToken!: string;
  @ApiProperty({ example: 'Bearer' })
  tokenType!: 'Bearer';
  /** Lifetime of the access token in seconds. */
  expiresIn!: number;
  /**
   * Opaque refresh token (also set as the httpOnly `keel_refresh` cookie, path /auth). Each use
   * returns a new one; presenting a used one ends the whole session family.
   */
  refreshToken!: string;
  /** Lifetime of the refresh token in seconds. */
  refreshExpiresIn!: number;
}
