import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  type HealthIndicatorResult,
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
      'Readiness: 503 only when this process cannot serve (database down, shutting down). Redis, Elasticsearch and RabbitMQ, when configured, are reported in the body (`error`, `degraded`) without failing it',
  })
  @HealthCheck()
  @ApiProblems(503)
  async ready(): Promise<HealthCheckResult & { degraded: string[] }> {
    // First thing on SIGTERM, so load balancers stop sending new traffic here.
    if (this.shutdown.draining) {
      throw new AppError('service_unavailable', 'Not ready: shutting down.', {
        retryAfterSeconds: 5,
      });
    }
    const dependencies = this.deps.checkAll();
    let result: HealthCheckResult;
    try {
      result = await this.health.check([() => this.db.pingCheck('database', { timeout: 1500 })]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {});
      throw new AppError('service_unavailable', `Not ready: ${down.join(', ')} unavailable.`, {
        errors: down.map((field) => ({ field, message: `${field} is down` })),
        retryAfterSeconds: 5,
      });
    }
    const info: HealthIndicatorResult = {};
    const error: HealthIndicatorResult = {};
    for (const check of [result.details, ...(await dependencies)]) {
      for (const [name, state] of Object.entries(check)) {
        if (state.status === 'up') info[name] = state;
        else error[name] = state;
      }
    }
    return {
      status: 'ok',
      info,
      error,
      details: { ...info, ...error },
      degraded: Object.keys(error),
    };
  }
}
