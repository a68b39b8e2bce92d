import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { TokensDto } from '../dto/auth.dto';

/** POST /auth/login's answer; the refresh token is also set as the httpOnly cookie (path /graphql). */
@ObjectType('Tokens')
export class TokensModel implements TokensDto {
  @Field({ description: 'Send as `Authorization: Bearer <accessToken>`.' })
  accessToken!: string;

  @Field(() => String)
  tokenType!: 'Bearer';

  @Field(() => Int, { description: 'Lifetime of the access token in seconds.' })
  expiresIn!: number;

  @Field({ description: 'Each use returns a new one; presenting a used one ends the session.' })
  refreshToken!: string;

  @Field(() => Int)
  refreshExpiresIn!: number;
}
