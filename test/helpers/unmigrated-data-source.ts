import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/configuration';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { provisionInfra, TestInfra } from './test-database';

/**
 * For migration tests: registers beforeAll/afterAll that give the describe block a DataSource on a
 * fresh database of the current profile with no migration run, then drop it. Returns a getter.
 */
export function useUnmigratedDataSource(): () => DataSource {
  let infra: TestInfra | undefined;
  let ds: DataSource | undefined;
  beforeAll(async () => {
    infra = await provisionInfra();
    const config = loadConfig({ NODE_ENV: 'test', ...infra.env });
    ds = new DataSource({ ...buildDataSourceOptions(config.db), migrationsRun: false });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await infra?.cleanup();
  });
  return () => {
    if (!ds) throw new Error('the data source exists only inside the tests (after beforeAll)');
    return ds;
  };
}
