import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Redis, { RedisOptions } from 'ioredis';
import type { AppConfig } from '../../config/configuration';

/**
 * The Redis connections realtime uses in the full-stack profile, null in the embedded one: `pub`
 * and `sub` for the socket.io adapter, which neither awaits nor catches its publish and subscribe
 * calls, so these two queue commands while Redis is away instead of rejecting them; `ledger` for
 * the delivery ledger, which fails fast instead (the outbox relay retries the event later). Closed
 * after the socket.io server, so the adapter can unsubscribe first.
 */
@Injectable()
export class RealtimeRedis implements OnApplicationShutdown {
  private readonly logger = new Logger(RealtimeRedis.name);
  readonly pub: Redis | null;
  readonly sub: Redis | null;
  readonly ledger: Redis | null;
  readonly keyPrefix: string;

  constructor(@Inject(ConfigService) config: ConfigService<AppConfig, true>) {
    const redis = config.get('redis', { infer: true });
    this.keyPrefix = redis?.keyPrefix ?? '';
    const queueing = { maxRetriesPerRequest: null };
    const failFast = { maxRetriesPerRequest: 1, enableOfflineQueue: false };
    this.pub = redis ? this.connect(redis.url, 'pub', queueing) : null;
    this.sub = redis ? this.connect(redis.url, 'sub', queueing) : null;
    this.ledger = redis ? this.connect(redis.url, 'ledger', failFast) : null;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      [this.pub, this.sub, this.ledger].map(async (client) => {
        if (!client) return;
        if (client.status === 'ready') {
          const timeout = new Promise((resolve) => setTimeout(resolve, 1000).unref());
          await Promise.race([client.quit(), timeout]).catch(() => undefined);
        }
        client.disconnect();
      }),
    );
  }

  private connect(url: string, role: string, options: RedisOptions): Redis {
    const client = new Redis(url, options);
    client.on('error', (error: Error) =>
      this.logger.warn({ event: 'realtime.redis_error', role, error: error.message }),
    );
    return client;
  }
}
