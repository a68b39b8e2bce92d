import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { AppConfig } from '../../config/configuration';
import { RedisConnections } from '../../infrastructure/redis/redis-connections';

const TIMEOUT_MS = 1500;

/** Readiness of the optional dependencies; each is checked only when it is configured. */
@Injectable()
export class DependencyIndicators {
  private readonly esNode: string | null;

  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
    /** Present in the full-stack profile only. */
    @Optional() private readonly redis?: RedisConnections,
  ) {
    this.esNode = config.get('elasticsearch', { infer: true })?.node ?? null;
  }

  get redisConfigured(): boolean {
    return this.redis !== undefined;
  }

  get elasticsearchConfigured(): boolean {
    return this.esNode !== null;
  }

  async redisPing(): Promise<HealthIndicatorResult> {
    const check = this.health.check('redis');
    try {
      if (!this.redis) throw new Error('Redis is not configured');
      const client = await this.redis.connected('health');
      await withTimeout(client.ping(), TIMEOUT_MS);
      return check.up();
    } catch {
      return check.down({ message: 'Redis did not answer PING' });
    }
  }

  async elasticsearchPing(): Promise<HealthIndicatorResult> {
    const check = this.health.check('elasticsearch');
    try {
      const res = await fetch(new URL('/_cluster/health', this.esNode ?? ''), {
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const body = (await res.json()) as { status?: string };
      return res.ok && body.status !== 'red'
        ? check.up({ cluster: body.status })
        : check.down({ cluster: body.status ?? `HTTP ${res.status}` });
    } catch {
      return check.down({ message: 'Elasticsearch did not answer' });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  // The loser of the race may still reject later; keep that rejection handled.
  promise.catch(() => undefined);
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);
}
