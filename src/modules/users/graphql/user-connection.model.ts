import { Field, ObjectType } from '@nestjs/graphql';
import { PageInfo } from '../../../common/graphql/page-info.model';
import { UserModel } from './user.model';

@ObjectType('UserConnection')
export class UserConnection {
  @Field(() => [UserModel])
  nodes!: UserModel[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
