import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/configuration';
import { buildDataSourceOptions } from './src/database/data-source-options';

/**
 * The DataSource the TypeORM CLI uses (npm run migration:run | migration:revert | migration:generate):
 * the same options as the app, from the same environment (.env is read when present).
 */
if (existsSync('.env')) process.loadEnvFile('.env');

export default new DataSource({
  ...buildDataSourceOptions(loadConfig(process.env).db),
  migrationsRun: false,
});
