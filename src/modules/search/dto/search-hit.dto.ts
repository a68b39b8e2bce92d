import { ItemDto } from '../../items/dto/item.dto';

export class SearchHighlightsDto {
  /** The title, HTML-escaped, matched words in <em></em>; absent when the title did not match. */
  title?: string[];
  /** Body fragments around matches, HTML-escaped, matched words in <em></em>. */
  body?: string[];
}

export class SearchHitDto {
  item!: ItemDto;
  /** Relevance, higher is better; only comparable within one result list (0 for an empty q). */
  score!: number;
  highlights!: SearchHighlightsDto;
}
