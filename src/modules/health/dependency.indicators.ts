import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { AppConfig } from '../../config/configuration';
import { RedisConnections } from '../../infrastructure/redis/redis-connections';
import { BrokerConnection } from '../events/broker-connection';

const TIMEOUT_MS = 1500;

/**
 * The optional dependencies, each checked only when it is configured. Readiness reports them but
 * never fails on them: a down Redis, Elasticsearch or RabbitMQ degrades features on every
 * instance alike, and taking every instance out of the load balancer would only make it worse.
 */
@Injectable()
export class DependencyIndicators {
  private readonly esNode: string | null;

  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
    /** Present in the full-stack profile only. */
    @Optional() private readonly redis?: RedisConnections,
    /** Present with RABBITMQ_URL only. */
    @Optional() private readonly broker?: BrokerConnection,
  ) {
    this.esNode = config.get('elasticsearch', { infer: true })?.node ?? null;
  }

  /** Every configured dependency's check, run together. */
  checkAll(): Promise<HealthIndicatorResult[]> {
    return Promise.all([
      ...(this.redis ? [this.redisPing()] : []),
      ...(this.esNode !== null ? [this.elasticsearchPing()] : []),
      ...(this.broker ? [Promise.resolve(this.rabbitmqState(this.broker))] : []),
    ]);
  }

  /** The connection's own state: it reconnects by itself, so there is nothing to ping. */
  private rabbitmqState(broker: BrokerConnection): HealthIndicatorResult {
    const check = this.health.check('rabbitmq');
    return broker.connected
      ? check.up({ host: broker.host })
      : check.down({ host: broker.host, state: broker.state, message: broker.lastError });
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
