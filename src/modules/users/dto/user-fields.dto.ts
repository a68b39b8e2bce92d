import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Matches, MaxLength, MinLength } from 'class-validator';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** How long a password may be (sign-up, change, reset, and the reset page's form). */
export const PASSWORD_LENGTH = { min: 8, max: 128 } as const;

/** The rules of an email address, for any field that holds one (`email`, `newEmail`). */
export function EmailRules(field: string): PropertyDecorator {
  return applyDecorators(
    Transform(trim),
    IsEmail({}, { message: `${field} must be a valid email address` }),
    MaxLength(254),
  );
}

/** The one rule set for user fields; request DTOs pick from it (PickType/PartialType). */
export class UserFieldsDto {
  /** @example ada@example.com */
  @EmailRules('email')
  email!: string;

  /** 8 to 128 characters. */
  @IsString()
  @MinLength(PASSWORD_LENGTH.min, {
    message: `password must be at least ${PASSWORD_LENGTH.min} characters`,
  })
  @MaxLength(PASSWORD_LENGTH.max, {
    message: `password must be at most ${PASSWORD_LENGTH.max} characters`,
  })
  password!: string;

  /** @example Ada Lovelace */
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'displayName must not contain control characters' })
  displayName!: string;
}
