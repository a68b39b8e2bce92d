import { IsString, MaxLength, MinLength } from 'class-validator';

export class SuggestQueryDto {
  /** What the user has typed so far (1–100 characters). */
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  q!: string;
}
