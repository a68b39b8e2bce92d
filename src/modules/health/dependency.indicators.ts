import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import type { AppConfig } from '../../config/configuration';

const TIMEOUT_MS = 1500;

/** Readiness of the optional dependencies; each is checked only when it is configured. */
@Injectable()
export class DependencyIndicators implements OnModuleDestroy {
  private readonly redisUrl: string | null;
  private readonly esNode: string | null;
  private redis: Redis | null = null;

  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.redisUrl = config.get('redis', { infer: true })?.url ?? null;
    this.esNode = config.get('elasticsearch', { infer: true })?.node ?? null;
  }

  get redisConfigured(): boolean {
    return this.redisUrl !== null;
  }

  get elasticsearchConfigured(): boolean {
    return this.esNode !== null;
  }

  async redisPing(): Promise<HealthIndicatorResult> {
    const check = this.health.check('redis');
    try {
      this.redis ??= new Redis(this.redisUrl ?? '', {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: TIMEOUT_MS,
      });
      if (this.redis.status === 'wait' || this.redis.status === 'end') await this.redis.connect();
      await withTimeout(this.redis.ping(), TIMEOUT_MS);
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

  onModuleDestroy(): void {
    this.redis?.disconnect();
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
