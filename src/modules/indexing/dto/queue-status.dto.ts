import { ApiProperty } from '@nestjs/swagger';
import { QueueName } from '../search-index.job';
import { QueueCountsDto } from './queue-counts.dto';

export class QueueStatusDto {
  @ApiProperty({ enum: Object.values(QueueName) })
  name!: QueueName;
  counts!: QueueCountsDto;
}
