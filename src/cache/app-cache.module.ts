import KeyvRedis from '@keyv/redis';
import { CacheModule } from '@nestjs/cache-manager';
import { Global, Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Keyv from 'keyv';
import type { AppConfig } from '../config/configuration';
import { AppCache } from './app-cache.service';
import { BoundedMap } from './bounded-map';

/** The cache store is chosen here, once: Redis when REDIS_URL is set, a bounded in-memory map otherwise. */
@Global()
@Module({
  imports: [
    CacheModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => {
        const redis = config.get('redis', { infer: true });
        const cache = config.get('cache', { infer: true });
        if (!redis) return { stores: [new Keyv({ store: new BoundedMap(cache.memoryEntries) })] };
        const store = new KeyvRedis(
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
        const keyv = new Keyv({
          store,
          namespace: `${redis.keyPrefix}cache`,
          useKeyPrefix: false,
          throwOnErrors: true,
        });
        const logger = new Logger('AppCache');
        keyv.on('error', (error: Error) =>
          logger.warn({ event: 'cache.store_error', error: error.message }),
        );
        return { stores: [keyv] };
      },
    }),
  ],
  providers: [AppCache],
  exports: [AppCache],
})
export class AppCacheModule {}
