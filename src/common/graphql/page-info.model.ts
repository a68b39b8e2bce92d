import { Field, ObjectType } from '@nestjs/graphql';
import type { Page } from '../pagination/cursor';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page.' })
  endCursor!: string | null;
}

/** A REST page as a connection: its nodes and where the next page starts. */
export function connectionOf<T>(page: Page<T>): { nodes: T[]; pageInfo: PageInfo } {
  return {
    nodes: page.data,
    pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor },
  };
}
