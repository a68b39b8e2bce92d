import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/configuration';
import { buildDataSourceOptions } from './data-source-options';
import { DeadlineMysqlDriver } from './mysql-deadlines';
import { TransactionRunner } from './transaction-runner';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => ({
        ...buildDataSourceOptions(config.get('db', { infer: true })),
        retryAttempts: 3,
        retryDelay: 1000,
      }),
      // Query deadlines start once initialize() has run the migrations (which may take long).
      dataSourceFactory: async (options?: DataSourceOptions) => {
        if (!options) throw new Error('no DataSource options');
        const dataSource = await new DataSource(options).initialize();
        if ('driver' in options && options.driver instanceof DeadlineMysqlDriver) {
          options.driver.arm();
        }
        return dataSource;
      },
    }),
  ],
  providers: [TransactionRunner],
  exports: [TransactionRunner],
})
export class DatabaseModule {}
