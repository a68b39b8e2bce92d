import { Field, ID, ObjectType } from '@nestjs/graphql';
import type { SessionDto } from './session.dto';

/** GET /auth/sessions's entries: one signed-in device of the caller. */
@ObjectType('Session')
export class SessionModel implements SessionDto {
  @Field(() => ID, { description: 'The session id; also the `sid` claim of its access tokens.' })
  id!: string;

  @Field()
  createdAt!: string;

  @Field({ description: 'The sign-in or the latest refresh.' })
  lastUsedAt!: string;

  @Field(() => String, { nullable: true })
  ip!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field({ description: 'True for the session of the access token making this request.' })
  current!: boolean;
}
