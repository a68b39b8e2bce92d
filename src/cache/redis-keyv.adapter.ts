import type Redis from 'ioredis';
import type { KeyvStoreAdapter, StoredData } from 'keyv';
import { EventEmitter } from 'node:events';
import type { RedisConnections } from '../infrastructure/redis/redis-connections';

/**
 * Keyv's storage on the process's `cache` Redis connection. Keyv serializes values; this stores
 * the strings under `prefix`, with Keyv's TTL as a Redis expiry. Errors reach the caller (AppCache
 * bounds and counts them).
 */
export class RedisKeyvAdapter extends EventEmitter implements KeyvStoreAdapter {
  readonly opts = {};
  namespace?: string;

  constructor(
    private readonly redis: RedisConnections,
    private readonly prefix: string,
  ) {
    super();
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    const value = await (await this.client()).get(this.prefix + key);
    return (value ?? undefined) as StoredData<Value> | undefined;
  }

  async set(key: string, value: string, ttl?: number): Promise<void> {
    const client = await this.client();
    if (ttl) await client.set(this.prefix + key, value, 'PX', ttl);
    else await client.set(this.prefix + key, value);
  }

  async delete(key: string): Promise<boolean> {
    return (await (await this.client()).del(this.prefix + key)) > 0;
  }

  async clear(): Promise<void> {
    const client = await this.client();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  private client(): Promise<Redis> {
    return this.redis.connected('cache');
  }
}
