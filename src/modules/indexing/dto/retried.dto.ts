export class RetriedDto {
  /** Failed jobs moved back to waiting. */
  retried!: number;
}
