import { ApiProperty } from '@nestjs/swagger';

/** One signed-in device of the caller (a sign-in and the refreshes since). */
export class SessionDto {
  /** The session id; also the `sid` claim of its access tokens. */
  id!: string;
  createdAt!: string;
  /** The sign-in or the latest refresh. */
  lastUsedAt!: string;
  /** Client IP of the latest sign-in or refresh (null for sessions from before this was recorded). */
  @ApiProperty({ type: String, nullable: true })
  ip!: string | null;
  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;
  /** True for the session of the access token making this request. */
  current!: boolean;
}
