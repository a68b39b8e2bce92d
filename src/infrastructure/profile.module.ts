import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config/configuration';
import { PROFILE_PORTS, profileProviders } from './profile.providers';
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
      exports: [...PROFILE_PORTS],
    };
  }
}
