import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../../common/auth/decorators';
import { ShutdownState } from '../../common/lifecycle/shutdown-state';
import { AppError } from '../../common/errors/app-error';
import { ApiProblems } from '../../common/swagger/api-problems.decorator';
import { DependencyIndicators } from './dependency.indicators';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly deps: DependencyIndicators,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up (checks nothing else)' })
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({
    summary:
      'Readiness: database, plus Redis and Elasticsearch when configured (503 if any is down, and from the moment the process starts shutting down)',
  })
  @HealthCheck()
  @ApiProblems(503)
  async ready(): Promise<HealthCheckResult> {
    // First thing on SIGTERM, so load balancers stop sending new traffic here.
    if (this.shutdown.draining) {
      throw new AppError('service_unavailable', 'Not ready: shutting down.', {
        retryAfterSeconds: 5,
      });
    }
    try {
      return await this.health.check([
        () => this.db.pingCheck('database', { timeout: 1500 }),
        ...(this.deps.redisConfigured ? [() => this.deps.redisPing()] : []),
        ...(this.deps.elasticsearchConfigured ? [() => this.deps.elasticsearchPing()] : []),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {});
      throw new AppError('service_unavailable', `Not ready: ${down.join(', ')} unavailable.`, {
        errors: down.map((field) => ({ field, message: `${field} is down` })),
        retryAfterSeconds: 5,
      });
    }
  }
}
