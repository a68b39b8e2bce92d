import { Field, InputType } from '@nestjs/graphql';
import { LoginDto } from '../dto/auth.dto';

@InputType('LoginInput')
export class LoginInput extends LoginDto {
  @Field()
  override email!: string;
}
// Declared on LoginDto itself (not through a mapped type), so it is exposed here rather than
// redeclared: redeclaring would shadow the base property (TS2612).
Field(() => String)(LoginInput.prototype, 'password');
