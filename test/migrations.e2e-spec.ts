import { useUnmigratedDataSource } from './helpers/unmigrated-data-source';

describe('migrations', () => {
  const ds = useUnmigratedDataSource();

  const tables = async (): Promise<string[]> => {
    const qr = ds().createQueryRunner();
    try {
      const names = ['users', 'refresh_tokens'];
      const present = await Promise.all(names.map((n) => qr.hasTable(n)));
      return names.filter((_, i) => present[i]);
    } finally {
      await qr.release();
    }
  };

  it('creates the schema on an empty database, and a second run is a no-op', async () => {
    const first = await ds().runMigrations({ transaction: 'each' });
    expect(first.length).toBeGreaterThan(0);
    expect(await tables()).toEqual(expect.arrayContaining(['users', 'refresh_tokens']));

    const second = await ds().runMigrations({ transaction: 'each' });
    expect(second).toHaveLength(0);
  });

  it('leaves the schema exactly as the entities describe it (nothing to generate)', async () => {
    const pending = await ds().driver.createSchemaBuilder().log();
    // The one intended difference: on MySQL the large text columns are MEDIUMTEXT (TEXT holds only
    // 64 KB), which an entity cannot say without breaking SQLite, where the type does not exist.
    const mediumText =
      /^ALTER TABLE `(items|outbox|idempotency_keys)` (DROP COLUMN|ADD) `(body|payload|response)`( text NOT NULL)?$/;
    // Dropping and re-adding `items`.`body` (above) drags along the FULLTEXT index that covers it.
    const bodyFulltext =
      /^(DROP INDEX `IDX_items_fulltext` ON `items`|CREATE FULLTEXT INDEX `IDX_items_fulltext` ON `items` \(`title`, `body`\))$/;
    // SQLite has no FULLTEXT indexes (TypeORM would make them plain ones): it searches through the
    // FTS5 table items_fts, so the entity's fulltext indexes are intentionally absent there.
    const sqliteFulltext = /^CREATE INDEX "IDX_items_fulltext(_title)?" ON "items" /;
    const allowed = (q: string): boolean =>
      ds().options.type === 'better-sqlite3'
        ? sqliteFulltext.test(q)
        : mediumText.test(q) || bodyFulltext.test(q);
    const unexpected = pending.upQueries.map((q) => q.query).filter((q) => !allowed(q));
    expect(unexpected).toEqual([]);
  });

  it('gives item bodies a column that holds 20,000 four-byte characters', async () => {
    const qr = ds().createQueryRunner();
    try {
      const column = (await qr.getTable('items'))?.findColumnByName('body');
      expect(column?.type).toBe(ds().options.type === 'better-sqlite3' ? 'text' : 'mediumtext');
    } finally {
      await qr.release();
    }
  });

  it('keeps existing rows when the latest migration is reverted and applied again', async () => {
    const at = '2026-01-01 00:00:00.000';
    const userId = '11111111-1111-4111-8111-111111111111';
    await ds().query(
      `INSERT INTO users (id, email, password_hash, display_name, role, is_active, created_at, updated_at)
       VALUES (?, 'keep@example.test', 'x', 'Keep', 'user', 1, ?, ?)`,
      [userId, at, at],
    );
    await ds().query(
      `INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at, created_at)
       VALUES ('22222222-2222-4222-8222-222222222222', ?, 'f', 'h', ?, ?)`,
      [userId, at, at],
    );
    await ds().undoLastMigration({ transaction: 'each' });
    await ds().runMigrations({ transaction: 'each' });
    const counts = await ds().query<Array<{ n: number | string }>>(
      'SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM refresh_tokens) AS n',
    );
    expect(Number(counts[0]?.n)).toBe(2);
    await ds().query('DELETE FROM refresh_tokens');
    await ds().query('DELETE FROM users');
  });

  it('reverts every migration and runs them again', async () => {
    const count = ds().migrations.length;
    for (let i = 0; i < count; i += 1) await ds().undoLastMigration({ transaction: 'each' });
    expect(await tables()).not.toContain('users');
    const again = await ds().runMigrations({ transaction: 'each' });
    expect(again).toHaveLength(count);
  });
});
