import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { ProblemDetailsFilter } from './common/errors/problem-details.filter';
import { LifecycleModule } from './common/lifecycle/lifecycle.module';
import { buildLoggerParams } from './common/logging/logger.options';
import type { AppConfig } from './config/configuration';
import { AppCacheModule } from './cache/app-cache.module';
import { DatabaseModule } from './database/database.module';
import { ItemsModule } from './modules/items/items.module';
import { MetricsModule } from './modules/metrics/metrics.module';
import { OutboxModule } from './modules/outbox/outbox.module';
import { AuthModule } from './modules/auth/auth.module';
import { HealthModule } from './modules/health/health.module';
import { RealtimeModule } from './modules/realtime/realtime.module';
import { SearchModule } from './modules/search/search.module';
import { UsersModule } from './modules/users/users.module';

/**
 * The application, built from an already validated configuration (see loadConfig): main.ts,
 * worker.ts and the tests each pass their own.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const search = SearchModule.forRoot(config);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => config] }),
        LoggerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (cs: ConfigService<AppConfig, true>) =>
            buildLoggerParams(cs.get('log', { infer: true })),
        }),
        LifecycleModule,
        DatabaseModule,
        AppCacheModule,
        OutboxModule,
        UsersModule,
        AuthModule,
        HealthModule,
        ItemsModule,
        search,
        RealtimeModule,
        MetricsModule.forRoot(search),
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
