import { Injectable, Logger } from '@nestjs/common';
import Keyv from 'keyv';
import { RedisConnections } from '../infrastructure/redis/redis-connections';
import { CacheStore } from './cache-store';
import { RedisKeyvAdapter } from './redis-keyv.adapter';

/** The full-stack profile's cache: Redis, shared by every API process. */
@Injectable()
export class RedisCacheStore implements CacheStore {
  private readonly logger = new Logger('AppCache');
  readonly keyv: Keyv;

  constructor(redis: RedisConnections) {
    this.keyv = new Keyv({
      store: new RedisKeyvAdapter(redis, `${redis.keyPrefix}cache:`),
      useKeyPrefix: false,
      throwOnErrors: true,
    });
    this.keyv.on('error', (error: Error) =>
      this.logger.warn({ event: 'cache.store_error', error: error.message }),
    );
  }
}
