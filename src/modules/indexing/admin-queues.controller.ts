import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/decorators';
import { ApiAuth, ApiProblems } from '../../common/swagger/api-problems.decorator';
import { QueuesDto } from './dto/queues.dto';
import { RetriedDto } from './dto/retried.dto';
import { QueueName, SEARCH_QUEUE, type SearchQueue } from './search-index.job';

@ApiTags('admin')
@ApiAuth()
@Roles('admin')
@Controller('admin/queues')
export class AdminQueuesController {
  constructor(@Inject(SEARCH_QUEUE) private readonly searchQueue: SearchQueue) {}

  @Get()
  @ApiOperation({ summary: 'Background queues with their job counts per state (admin)' })
  @ApiOkResponse({ type: QueuesDto })
  @ApiProblems(403)
  async list(): Promise<QueuesDto> {
    return {
      queues: [{ name: QueueName.SearchIndex, counts: await this.searchQueue.counts() }],
    };
  }

  @Post('search-index/retry-failed')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move every failed search-index job back to waiting (admin)' })
  @ApiOkResponse({ type: RetriedDto })
  @ApiProblems(403)
  async retryFailed(): Promise<RetriedDto> {
    return { retried: await this.searchQueue.retryFailed() };
  }
}
