import type { ClassProvider, Provider } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { LocalInvalidationBus } from '../cache/local-invalidation.bus';
import { MemoryCacheStore } from '../cache/memory-cache.store';
import { RedisCacheStore } from '../cache/redis-cache.store';
import { RedisInvalidationBus } from '../cache/redis-invalidation.bus';
import { loadConfig } from '../config/configuration';
import { RedisRateLimitStorage } from '../modules/auth/rate-limit.redis-storage';
import { BullSearchQueue } from '../modules/indexing/bull-search.queue';
import { InProcessSearchQueue } from '../modules/indexing/in-process-search.queue';
import { SEARCH_QUEUE } from '../modules/indexing/search-index.job';
import { LocalOutboxWakeSignal } from '../modules/outbox/local-outbox-wake.signal';
import { RedisOutboxWakeSignal } from '../modules/outbox/redis-outbox-wake.signal';
import { InProcessRealtimeTransport } from '../modules/realtime/in-process-realtime.transport';
import { MemoryDeliveryLedger } from '../modules/realtime/memory-delivery-ledger';
import { RedisDeliveryLedger } from '../modules/realtime/redis-delivery-ledger';
import { RedisRealtimeTransport } from '../modules/realtime/redis-realtime.transport';
import { MemoryRoomBus } from '../modules/realtime/memory-room-bus';
import { RedisRoomBus } from '../modules/realtime/redis-room-bus';
import { PROFILE_PORTS, profileProviders, searchQueueBinding } from './profile.providers';

const embedded = loadConfig({});
const fullStack = loadConfig({ REDIS_URL: 'redis://redis:6379' });

/** token → adapter class, from the providers the profile returns. */
function bindings(providers: Provider[]): Map<unknown, unknown> {
  return new Map(
    providers.map((p) => [(p as ClassProvider).provide, (p as ClassProvider).useClass]),
  );
}

describe('profile providers', () => {
  const ports = PROFILE_PORTS;

  it.each([
    [
      'in process without REDIS_URL',
      embedded,
      [
        MemoryCacheStore,
        LocalInvalidationBus,
        ThrottlerStorageService,
        MemoryDeliveryLedger,
        InProcessRealtimeTransport,
        LocalOutboxWakeSignal,
        MemoryRoomBus,
      ],
    ],
    [
      'on Redis with REDIS_URL',
      fullStack,
      [
        RedisCacheStore,
        RedisInvalidationBus,
        RedisRateLimitStorage,
        RedisDeliveryLedger,
        RedisRealtimeTransport,
        RedisOutboxWakeSignal,
        RedisRoomBus,
      ],
    ],
  ])('binds every port to its adapter %s', (_, config, adapters) => {
    const expected = new Map<unknown, unknown>(ports.map((port, i) => [port, adapters[i]]));
    expect(bindings(profileProviders(config))).toEqual(expected);
  });

  it('runs the search-index queue in process without REDIS_URL, on Bull with it', () => {
    const inProcess = searchQueueBinding(embedded);
    expect(inProcess.imports).toEqual([]);
    expect(bindings([inProcess.provider]).get(SEARCH_QUEUE)).toBe(InProcessSearchQueue);
    const bull = searchQueueBinding(fullStack);
    expect(bull.imports).toHaveLength(2);
    expect(bindings([bull.provider]).get(SEARCH_QUEUE)).toBe(BullSearchQueue);
  });
});
