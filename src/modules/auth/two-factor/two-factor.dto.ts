import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';

export class TwoFactorEnrolmentDto {
  /** The TOTP secret (base32), for typing into an authenticator app; shown only here. */
  secret!: string;
  /** The same secret as an `otpauth://` URI (render it as a QR code). */
  otpauthUri!: string;
}

export class TwoFactorCodeDto {
  /** The 6-digit code the authenticator app shows now. */
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code!: string;
}

export class RecoveryCodesDto {
  /**
   * Ten single-use codes, each accepted once instead of a TOTP code. Shown only now: they are
   * stored hashed.
   */
  recoveryCodes!: string[];
}

export class DisableTwoFactorDto {
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password!: string;

  /** A TOTP code or one of the recovery codes. */
  @IsString()
  @MinLength(6)
  @MaxLength(32)
  code!: string;
}

/** The second step of a sign-in: the challenge from login and a TOTP code or a recovery code. */
export class VerifyTwoFactorDto {
  @IsString()
  @MinLength(16)
  @MaxLength(128)
  challenge!: string;

  /** The 6-digit TOTP code (or send `recoveryCode` instead). */
  // Checked when given (null included), and required when recoveryCode is absent.
  @ValidateIf((o: VerifyTwoFactorDto) => o.recoveryCode === undefined || o.code !== undefined)
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code?: string;

  /** One of the recovery codes, instead of `code`; each works once. */
  @ValidateIf((o: VerifyTwoFactorDto) => o.code === undefined || o.recoveryCode !== undefined)
  @IsString()
  @MinLength(6)
  @MaxLength(32)
  recoveryCode?: string;
}

/** Login's answer when the account has two-factor on: no tokens yet, a challenge to verify. */
export class TwoFactorChallengeDto {
  @ApiProperty({ enum: [true] })
  twoFactorRequired!: true;
  /** Send it to POST /auth/2fa/verify with a code; single use. */
  challenge!: string;
  /** Seconds the challenge stays valid. */
  expiresIn!: number;
}
