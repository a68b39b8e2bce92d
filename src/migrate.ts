import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from './config/configuration';
import { buildDataSourceOptions } from './database/data-source-options';

/**
 * Runs the pending migrations with the compiled code and exits (`npm run migration:run:prod`, the
 * `migrate` service of docker-compose.yml): one step before the API and workers start, so that
 * several processes starting together never race to migrate.
 */
async function migrate(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let db;
  try {
    db = loadConfig(process.env).db;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const dataSource = new DataSource({ ...buildDataSourceOptions(db), migrationsRun: false });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations();
    for (const migration of applied) process.stdout.write(`applied ${migration.name}\n`);
    process.stdout.write(`migrations: ${applied.length} applied, schema up to date\n`);
  } finally {
    await dataSource.destroy();
  }
}

migrate().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`migration failed: ${(error as Error)?.message ?? String(error)}\n`);
    process.exit(1);
  },
);
