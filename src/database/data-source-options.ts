import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/configuration';
import { ENTITIES } from './entities';
import { DeadlineMysqlDriver } from './mysql-deadlines';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** Compiled code loads dist/migrations/*.js; ts-jest and ts-node load migrations/*.ts. */
function migrationGlob(): string {
  return __filename.endsWith('.ts')
    ? join(__dirname, '..', '..', 'migrations', '*.ts')
    : join(__dirname, '..', 'migrations', '*.js');
}

/**
 * The DataSource options for the configured profile, shared by the app and by ormconfig.ts (the
 * TypeORM CLI). The schema is owned by migrations: synchronize is never on.
 */
export function buildDataSourceOptions(db: AppConfig['db']): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: [migrationGlob()],
    migrationsTableName: 'migrations',
    migrationsRun: db.migrationsRun,
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    logging: false,
  };

  if (db.type === 'mysql') {
    return {
      ...common,
      // mariadb:// selects TypeORM's MariaDB dialect (schema introspection differs from MySQL's).
      type: db.url.startsWith('mariadb:') ? ('mariadb' as const) : ('mysql' as const),
      url: db.url.replace(/^mariadb:/, 'mysql:'),
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      poolSize: db.poolSize,
      // A MariaDB that is down or unreachable fails requests fast (503) instead of holding them.
      connectTimeout: db.connectTimeoutMs,
      driver: new DeadlineMysqlDriver(db.connectTimeoutMs, db.queryTimeoutMs),
      extra: { connectionLimit: db.poolSize, enableKeepAlive: true },
    };
  }

  mkdirSync(dirname(db.path), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3' as const,
    database: db.path,
    enableWAL: true,
    prepareDatabase: (database: { pragma: (sql: string) => unknown }) => {
      database.pragma('busy_timeout = 5000');
      database.pragma('foreign_keys = ON');
    },
  };
}
