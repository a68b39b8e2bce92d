import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config/configuration';
import { CacheInvalidationBus } from '../cache/cache-invalidation.bus';
import { CacheStore } from '../cache/cache-store';
import { RateLimitStorage } from '../modules/auth/rate-limit.storage';
import { DeliveryLedger } from '../modules/realtime/delivery-ledger';
import { OutboxWakeSignal } from '../modules/outbox/outbox-wake-signal';
import { RealtimeTransport } from '../modules/realtime/realtime-transport';
import { RoomBus } from '../modules/realtime/room-bus';
import { profileProviders } from './profile.providers';
import { RedisModule } from './redis/redis.module';

/** The Redis connections (full stack) and the ports bound for the profile, for every module. */
@Module({})
export class ProfileModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ProfileModule,
      global: true,
      imports: [RedisModule.forRoot(config)],
      providers: profileProviders(config),
      exports: [
        CacheStore,
        CacheInvalidationBus,
        RateLimitStorage,
        DeliveryLedger,
        RealtimeTransport,
        OutboxWakeSignal,
        RoomBus,
      ],
    };
  }
}
