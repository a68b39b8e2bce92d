import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ProblemDetailsFilter } from './common/errors/problem-details.filter';
import type { AppConfig } from './config/configuration';
import { coreImports } from './core.imports';
import { AppCacheModule } from './cache/app-cache.module';
import { ItemsModule } from './modules/items/items.module';
import { EventsModule } from './modules/events/events.module';
import { IndexingModule } from './modules/indexing/indexing.module';
import { MetricsModule } from './modules/metrics/metrics.module';
import { OutboxModule } from './modules/outbox/outbox.module';
import { AccountsModule } from './modules/accounts/accounts.module';
import { AuthModule } from './modules/auth/auth.module';
import { KeelGraphqlModule } from './modules/graphql/graphql.module';
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
    return {
      module: AppModule,
      imports: [
        ...coreImports(config),
        AppCacheModule,
        OutboxModule,
        UsersModule,
        AuthModule,
        AccountsModule.forRoot(config),
        HealthModule,
        ItemsModule,
        SearchModule.forRoot(config),
        IndexingModule.forRoot(config),
        RealtimeModule,
        EventsModule.forRoot(config),
        MetricsModule,
        KeelGraphqlModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
