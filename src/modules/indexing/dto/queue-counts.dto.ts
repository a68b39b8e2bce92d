/** Jobs of one queue per state. */
export class QueueCountsDto {
  waiting!: number;
  active!: number;
  completed!: number;
  failed!: number;
  delayed!: number;
}
