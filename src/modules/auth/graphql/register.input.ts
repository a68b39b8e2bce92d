import { Field, InputType } from '@nestjs/graphql';
import { RegisterDto } from '../dto/auth.dto';

@InputType('RegisterInput')
export class RegisterInput extends RegisterDto {
  @Field()
  override email!: string;

  @Field()
  override password!: string;

  @Field()
  override displayName!: string;
}
