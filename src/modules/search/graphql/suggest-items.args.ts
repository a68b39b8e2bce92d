import { ArgsType, Field } from '@nestjs/graphql';
import { IsString, MaxLength, MinLength } from 'class-validator';

@ArgsType()
export class SuggestItemsArgs {
  @Field({ description: 'What the user has typed so far (1–100 characters).' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  prefix!: string;
}
