import { Field, ID, ObjectType } from '@nestjs/graphql';
import type { UserProfileDto } from '../dto/user-profile.dto';

/** What anyone who may read an item sees of its owner: no email, role or account state. */
@ObjectType('Owner')
export class OwnerModel implements UserProfileDto {
  @Field(() => ID)
  id!: string;

  @Field()
  displayName!: string;
}
