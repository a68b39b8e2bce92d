import { BullModule } from '@nestjs/bull';
import type { DynamicModule, Provider } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { CacheInvalidationBus } from '../cache/cache-invalidation.bus';
import { CacheStore } from '../cache/cache-store';
import { LocalInvalidationBus } from '../cache/local-invalidation.bus';
import { MemoryCacheStore } from '../cache/memory-cache.store';
import { RedisCacheStore } from '../cache/redis-cache.store';
import { RedisInvalidationBus } from '../cache/redis-invalidation.bus';
import type { AppConfig } from '../config/configuration';
import { RateLimitStorage } from '../modules/auth/rate-limit.storage';
import { RedisRateLimitStorage } from '../modules/auth/rate-limit.redis-storage';
import { BullMailQueue } from '../modules/accounts/mail-queue/bull-mail.queue';
import { InProcessMailQueue } from '../modules/accounts/mail-queue/in-process-mail.queue';
import { MAIL_QUEUE, MAIL_QUEUE_NAME } from '../modules/accounts/mail-queue/mail.job';
import { BullSearchQueue } from '../modules/indexing/bull-search.queue';
import { InProcessSearchQueue } from '../modules/indexing/in-process-search.queue';
import { QueueName, SEARCH_QUEUE } from '../modules/indexing/search-index.job';
import { DeliveryLedger } from '../modules/realtime/delivery-ledger';
import { InProcessRealtimeTransport } from '../modules/realtime/in-process-realtime.transport';
import { MemoryDeliveryLedger } from '../modules/realtime/memory-delivery-ledger';
import { RedisDeliveryLedger } from '../modules/realtime/redis-delivery-ledger';
import { LocalOutboxWakeSignal } from '../modules/outbox/local-outbox-wake.signal';
import { OutboxWakeSignal } from '../modules/outbox/outbox-wake-signal';
import { RedisOutboxWakeSignal } from '../modules/outbox/redis-outbox-wake.signal';
import { RealtimeTransport } from '../modules/realtime/realtime-transport';
import { RedisRealtimeTransport } from '../modules/realtime/redis-realtime.transport';
import { MemoryRoomBus } from '../modules/realtime/memory-room-bus';
import { RedisRoomBus } from '../modules/realtime/redis-room-bus';
import { RoomBus } from '../modules/realtime/room-bus';
import { RedisConnections } from './redis/redis-connections';

/**
 * The one place that answers "Redis or memory?". The embedded profile (no REDIS_URL) keeps
 * everything in this process; the full-stack profile puts what several processes must share in
 * Redis. Feature modules depend on the ports and never ask which profile they are in.
 *
 * | port               | embedded                                   | full stack               |
 * | ------------------ | ------------------------------------------ | ------------------------ |
 * | CacheStore         | MemoryCacheStore (bounded map)             | RedisCacheStore          |
 * | CacheInvalidationBus | LocalInvalidationBus (nobody to tell)    | RedisInvalidationBus     |
 * | RateLimitStorage   | @nestjs/throttler's in-memory storage      | RedisRateLimitStorage    |
 * | DeliveryLedger     | MemoryDeliveryLedger                       | RedisDeliveryLedger      |
 * | RealtimeTransport  | InProcessRealtimeTransport                 | RedisRealtimeTransport   |
 * | OutboxWakeSignal   | LocalOutboxWakeSignal (nothing to tell)    | RedisOutboxWakeSignal    |
 * | RoomBus            | MemoryRoomBus                              | RedisRoomBus             |
 * | SEARCH_QUEUE       | InProcessSearchQueue                       | BullSearchQueue          |
 * | MAIL_QUEUE         | InProcessMailQueue                         | BullMailQueue            |
 */
/** Every port the profile binds (the ProfileModule exports exactly these). */
export const PROFILE_PORTS = [
  CacheStore,
  CacheInvalidationBus,
  RateLimitStorage,
  DeliveryLedger,
  RealtimeTransport,
  OutboxWakeSignal,
  RoomBus,
] as const;

export const usesRedis = (config: AppConfig): boolean => config.redis !== null;

/** The ports every module may inject, bound for the profile (provided by the global ProfileModule). */
export function profileProviders(config: AppConfig): Provider[] {
  const redis = usesRedis(config);
  return [
    { provide: CacheStore, useClass: redis ? RedisCacheStore : MemoryCacheStore },
    {
      provide: CacheInvalidationBus,
      useClass: redis ? RedisInvalidationBus : LocalInvalidationBus,
    },
    {
      provide: RateLimitStorage,
      useClass: redis ? RedisRateLimitStorage : ThrottlerStorageService,
    },
    { provide: DeliveryLedger, useClass: redis ? RedisDeliveryLedger : MemoryDeliveryLedger },
    {
      provide: RealtimeTransport,
      useClass: redis ? RedisRealtimeTransport : InProcessRealtimeTransport,
    },
    {
      provide: OutboxWakeSignal,
      useClass: redis ? RedisOutboxWakeSignal : LocalOutboxWakeSignal,
    },
    { provide: RoomBus, useClass: redis ? RedisRoomBus : MemoryRoomBus },
  ];
}

/**
 * Bull's connection settings, one module object for every queue (search-index, mail): Nest imports
 * it once however many queue modules name it.
 */
const bullRoot: DynamicModule = BullModule.forRootAsync({
  inject: [RedisConnections],
  useFactory: (redis: RedisConnections) => ({
    url: redis.url,
    prefix: `${redis.keyPrefix}bull`,
  }),
});

/**
 * The search-index queue, bound inside IndexingModule (its adapters need the processor): Bull on
 * Redis, with its keys under `${keyPrefix}bull`, or the in-process runner with the same contract.
 */
export function searchQueueBinding(config: AppConfig): {
  imports: NonNullable<DynamicModule['imports']>;
  provider: Provider;
} {
  if (!usesRedis(config)) {
    return { imports: [], provider: { provide: SEARCH_QUEUE, useClass: InProcessSearchQueue } };
  }
  return {
    imports: [bullRoot, BullModule.registerQueueAsync({ name: QueueName.SearchIndex })],
    provider: { provide: SEARCH_QUEUE, useClass: BullSearchQueue },
  };
}

/**
 * The mail queue, bound inside AccountMailModule (its adapters need the mail job processor): Bull on
 * Redis, so a mail waiting for SMTP survives a restart, or the in-process runner.
 */
export function mailQueueBinding(config: AppConfig): {
  imports: NonNullable<DynamicModule['imports']>;
  provider: Provider;
} {
  if (!usesRedis(config)) {
    return { imports: [], provider: { provide: MAIL_QUEUE, useClass: InProcessMailQueue } };
  }
  return {
    imports: [bullRoot, BullModule.registerQueueAsync({ name: MAIL_QUEUE_NAME })],
    provider: { provide: MAIL_QUEUE, useClass: BullMailQueue },
  };
}
