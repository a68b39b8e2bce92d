import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/configuration';
import { RedisConnections } from './redis-connections';

/**
 * The Redis connections of a full-stack process, for every module (global). With no REDIS_URL it
 * provides nothing: only the profile's Redis adapters and the health check ask for them.
 */
@Module({})
export class RedisModule {
  static forRoot(config: AppConfig): DynamicModule {
    const settings = config.redis;
    const providers = settings
      ? [{ provide: RedisConnections, useFactory: () => new RedisConnections(settings) }]
      : [];
    return {
      module: RedisModule,
      global: true,
      providers,
      exports: settings ? [RedisConnections] : [],
    };
  }
}
