import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAGE_SIZE } from '../pagination/page-query.dto';

/** Relay-style paging arguments over Keel's keyset cursors (the same rules as ?limit=&cursor=). */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20, description: `How many nodes (1–${MAX_PAGE_SIZE}).` })
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = 20;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  after?: string;
}

/** The REST query fields the same page is asked with. */
export const pageQueryOf = (args: PageArgs): { limit: number; cursor?: string } => ({
  limit: args.first,
  cursor: args.after,
});
