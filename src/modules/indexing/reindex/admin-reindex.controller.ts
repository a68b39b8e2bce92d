import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles } from '../../../common/auth/decorators';
import type { AuthUser } from '../../../common/auth/role';
import { uuidParam } from '../../../common/http/uuid-param.pipe';
import { ApiAuth, ApiProblems } from '../../../common/swagger/api-problems.decorator';
import { ReindexJobDto } from '../dto/reindex-job.dto';
import { SearchReindexService } from './search-reindex.service';

@ApiTags('admin')
@ApiAuth()
@Roles('admin')
@Controller('admin/search/reindex')
export class AdminReindexController {
  constructor(private readonly reindex: SearchReindexService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start a full reindex (admin)',
    description:
      'Builds the next index generation beside the live one while searches and writes go on, ' +
      're-applies the changes made meanwhile and swaps the alias atomically. One job at a time: ' +
      '409 while another is queued or running. Location names the job; poll it for progress.',
  })
  @ApiAcceptedResponse({ type: ReindexJobDto })
  @ApiProblems(403, 'reindex_already_active')
  async start(
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReindexJobDto> {
    const job = await this.reindex.start(user);
    res.setHeader('Location', `/admin/search/reindex/${job.id}`);
    return job;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Progress of a reindex job (admin)' })
  @ApiOkResponse({ type: ReindexJobDto })
  @ApiProblems(400, 403, 'not_found')
  get(@Param('id', uuidParam()) id: string): Promise<ReindexJobDto> {
    return this.reindex.get(id);
  }
}
