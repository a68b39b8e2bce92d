import { IsString, MaxLength, MinLength } from 'class-validator';

/** Body of auth:refresh: a new access token for the same user. */
export class AuthRefreshDto {
  @IsString()
  @MinLength(1)
  @MaxLength(8192)
  token!: string;
}
