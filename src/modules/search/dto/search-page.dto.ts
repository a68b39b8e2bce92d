import { ApiProperty } from '@nestjs/swagger';
import { SearchHitDto } from './search-hit.dto';

export class SearchPageDto {
  data!: SearchHitDto[];
  /** How many visible items match (all pages). */
  total!: number;
  /** Pass as `cursor` with the same query for the next page; null on the last page. */
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
