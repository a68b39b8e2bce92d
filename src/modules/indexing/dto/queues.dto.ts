import { ApiProperty } from '@nestjs/swagger';
import { QueueStatusDto } from './queue-status.dto';

export class QueuesDto {
  @ApiProperty({ type: [QueueStatusDto] })
  queues!: QueueStatusDto[];
}
