import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/configuration';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { provisionInfra, TestInfra } from './helpers/test-database';

describe('migrations', () => {
  let infra: TestInfra;
  let ds: DataSource;

  beforeAll(async () => {
    infra = await provisionInfra();
    const config = loadConfig({ NODE_ENV: 'test', ...infra.env });
    ds = new DataSource({ ...buildDataSourceOptions(config.db), migrationsRun: false });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await infra.cleanup();
  });

  const tables = async (): Promise<string[]> => {
    const qr = ds.createQueryRunner();
    try {
      const names = ['users', 'refresh_tokens'];
      const present = await Promise.all(names.map((n) => qr.hasTable(n)));
      return names.filter((_, i) => present[i]);
    } finally {
      await qr.release();
    }
  };

  it('creates the schema on an empty database, and a second run is a no-op', async () => {
    const first = await ds.runMigrations({ transaction: 'each' });
    expect(first.length).toBeGreaterThan(0);
    expect(await tables()).toEqual(expect.arrayContaining(['users', 'refresh_tokens']));

    const second = await ds.runMigrations({ transaction: 'each' });
    expect(second).toHaveLength(0);
  });

  it('leaves the schema exactly as the entities describe it (nothing to generate)', async () => {
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('reverts every migration and runs them again', async () => {
    const count = ds.migrations.length;
    for (let i = 0; i < count; i += 1) await ds.undoLastMigration({ transaction: 'each' });
    expect(await tables()).not.toContain('users');
    const again = await ds.runMigrations({ transaction: 'each' });
    expect(again).toHaveLength(count);
  });
});
