import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { ITEM_STATUSES, ItemStatus } from '../item.entity';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** Tags are trimmed, lower-cased and de-duplicated before they are validated. */
const normaliseTags = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value)
    ? [
        ...new Set(
          (value as unknown[]).map((t) => (typeof t === 'string' ? t.trim().toLowerCase() : t)),
        ),
      ]
    : value;

const NO_CONTROL_CHARS = /^[^\p{Cc}]*$/u;

/** The one rule set for item fields; create and update derive from it. */
export class ItemFieldsDto {
  /** 1–200 characters (trimmed). */
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'title must not be empty' })
  @MaxLength(200)
  @Matches(NO_CONTROL_CHARS, { message: 'title must not contain control characters' })
  title!: string;

  /** Up to 20,000 characters. */
  @IsString()
  @MaxLength(20_000)
  body!: string;

  /** Up to 20 tags of 1–40 characters; stored lower-case and unique. @example ["news","howto"] */
  @Transform(normaliseTags)
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MinLength(1, { each: true, message: 'each tag must have 1 to 40 characters' })
  @MaxLength(40, { each: true, message: 'each tag must have 1 to 40 characters' })
  @Matches(NO_CONTROL_CHARS, { each: true, message: 'tags must not contain control characters' })
  tags!: string[];

  @ApiProperty({ enum: ITEM_STATUSES, default: 'draft' })
  @IsIn(ITEM_STATUSES)
  status!: ItemStatus;
}
