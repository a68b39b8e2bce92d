import KeyvRedis from '@keyv/redis';
import { Inject, Injectable, Logger, Module, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Keyv from 'keyv';
import type { AppConfig } from '../config/configuration';
import { BoundedMap } from './bounded-map';

/**
 * The Keyv store behind cache-manager: Redis when REDIS_URL is set, a bounded in-memory map
 * otherwise. Owned here so that shutdown can force-close a Redis client that is still trying to
 * reconnect (Keyv's own disconnect waits for a connection that may never come).
 */
@Injectable()
export class CacheStore implements OnModuleDestroy {
  readonly keyv: Keyv;
  private readonly redisStore: KeyvRedis<unknown> | null;

  constructor(@Inject(ConfigService) config: ConfigService<AppConfig, true>) {
    const redis = config.get('redis', { infer: true });
    const cache = config.get('cache', { infer: true });
    if (!redis) {
      this.redisStore = null;
      this.keyv = new Keyv({ store: new BoundedMap(cache.memoryEntries) });
      return;
    }
    this.redisStore = new KeyvRedis(
      {
        url: redis.url,
        disableOfflineQueue: true,
        socket: {
          connectTimeout: 2000,
          reconnectStrategy: (retries: number) => Math.min(retries * 200, 2000),
        },
      },
      { throwOnConnectError: false, throwOnErrors: true, connectionTimeout: 2000 },
    );
    this.keyv = new Keyv({
      store: this.redisStore,
      namespace: `${redis.keyPrefix}cache`,
      useKeyPrefix: false,
      throwOnErrors: true,
    });
    const logger = new Logger('AppCache');
    this.keyv.on('error', (error: Error) =>
      logger.warn({ event: 'cache.store_error', error: error.message }),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.redisStore?.disconnect(true).catch(() => undefined);
  }
}

@Module({ providers: [CacheStore], exports: [CacheStore] })
export class CacheStoreModule {}
