import { IntersectionType, PickType } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { EmailRules, UserFieldsDto } from '../../users/dto/user-fields.dto';

/** The token from a mailed link (43 base64url characters). */
export class AccountTokenDto {
  /** @example 3q2-7wAAAAB8c2VjcmV0LXRva2VuLWZyb20tdGhlLW1haWw */
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,100}$/, { message: 'token must be the token from the link' })
  token!: string;
}

export class ForgotPasswordDto extends PickType(UserFieldsDto, ['email'] as const) {}

/** The token from the reset link and the new password (same rules as at sign-up). */
export class ResetPasswordDto extends IntersectionType(
  AccountTokenDto,
  PickType(UserFieldsDto, ['password'] as const),
) {}

export class ChangeEmailDto {
  @IsString()
  @MaxLength(128)
  currentPassword!: string;

  /** @example ada.new@example.com */
  @EmailRules('newEmail')
  newEmail!: string;
}

/** The answer to a request whose mail, if any, is sent in the background. */
export class AcceptedDto {
  /** @example If an account with this email exists, a mail with a link is on its way. */
  message!: string;
}
