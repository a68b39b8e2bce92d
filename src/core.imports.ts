import type { ModuleMetadata } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { LifecycleModule } from './common/lifecycle/lifecycle.module';
import { buildLoggerParams } from './common/logging/logger.options';
import type { AppConfig } from './config/configuration';
import { DatabaseModule } from './database/database.module';
import { ProfileModule } from './infrastructure/profile.module';

/**
 * What every process of Keel is built on, the API (AppModule) and the worker (WorkerModule) alike:
 * the validated configuration, pino logging, the shutdown lifecycle, the database, and the profile
 * (Redis connections and the ports bound to memory or Redis adapters).
 */
export function coreImports(config: AppConfig): NonNullable<ModuleMetadata['imports']> {
  return [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => config] }),
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (cs: ConfigService<AppConfig, true>) =>
        buildLoggerParams(cs.get('log', { infer: true })),
    }),
    LifecycleModule,
    DatabaseModule,
    ProfileModule.forRoot(config),
  ];
}
