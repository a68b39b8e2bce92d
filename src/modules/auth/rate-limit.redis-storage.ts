import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { RedisConnections } from '../../infrastructure/redis/redis-connections';
import { RateLimitStorage } from './rate-limit.storage';

/** Counts a hit and, past the limit, opens a block window; all in one atomic step. */
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
local blocked = redis.call('PTTL', KEYS[2])
if blocked <= 0 and hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blocked = tonumber(ARGV[3])
end
return {hits, ttl, blocked}`;

/**
 * Rate-limit counters in Redis, so every API process counts together. If Redis stops answering,
 * counting falls back to this process's memory (logged) rather than failing sign-in or letting
 * every attempt through unchecked.
 */
@Injectable()
export class RedisRateLimitStorage implements RateLimitStorage, OnModuleDestroy {
  private readonly logger = new Logger(RedisRateLimitStorage.name);
  private readonly memory = new ThrottlerStorageService();
  private readonly prefix: string;

  constructor(private readonly redis: RedisConnections) {
    this.prefix = `${redis.keyPrefix}ratelimit:`;
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): ReturnType<RateLimitStorage['increment']> {
    try {
      const client = await this.redis.connected('rate-limit');
      const base = `${this.prefix}${throttlerName}:${key}`;
      const [hits, ttlMs, blockedMs] = (await client.eval(
        INCREMENT,
        2,
        base,
        `${base}:blocked`,
        ttl,
        limit,
        blockDuration,
      )) as [number, number, number];
      return {
        totalHits: hits,
        timeToExpire: Math.max(0, Math.ceil(ttlMs / 1000)),
        isBlocked: blockedMs > 0,
        timeToBlockExpire: Math.max(0, Math.ceil(blockedMs / 1000)),
      };
    } catch (error) {
      this.logger.warn({ event: 'ratelimit.redis_unavailable', error: (error as Error).message });
      return this.memory.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  onModuleDestroy(): void {
    this.memory.onApplicationShutdown();
  }
}
