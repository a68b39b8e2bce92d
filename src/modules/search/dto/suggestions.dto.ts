export class SuggestionsDto {
  /** Up to 10 distinct titles, most recent first. */
  data!: string[];
}
