import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/auth/decorators';
import { MetricsRegistry } from './metrics-registry';
import { MetricsTokenGuard } from './metrics-token.guard';

/**
 * Prometheus scrape endpoint. Public to the JWT guard (a scraper has no user account) and guarded by
 * its own token instead. Left out of the OpenAPI document: it is an operations endpoint for
 * Prometheus, not part of the API clients program against, and its credential is not the
 * `access-token` scheme every documented route uses.
 */
@ApiExcludeController()
@Public()
@UseGuards(MetricsTokenGuard)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  /** Written with res.end: Express's send() would reorder the Content-Type parameters. */
  @Get()
  async scrape(@Res() res: Response): Promise<void> {
    const text = await this.metrics.scrape();
    res.status(200).setHeader('Content-Type', this.metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.end(text);
  }
}
