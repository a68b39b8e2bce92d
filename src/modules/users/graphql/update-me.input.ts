import { Field, InputType } from '@nestjs/graphql';
import { UpdateMeDto } from '../dto/update-me.dto';

/** PATCH /users/me's body and rules (UpdateMeDto). */
@InputType('UpdateMeInput')
export class UpdateMeInput extends UpdateMeDto {
  @Field(() => String, { nullable: true })
  override displayName?: string;

  @Field(() => String, { nullable: true })
  override password?: string;
}
// Exposed rather than redeclared: UpdateMeDto declares it itself (redeclaring is TS2612).
Field(() => String, { nullable: true })(UpdateMeInput.prototype, 'currentPassword');
