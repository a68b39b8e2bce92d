import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full-text search over items for the database search driver.
 *
 * MySQL/MariaDB: two InnoDB FULLTEXT indexes, (title) for the title boost and (title, body) for
 * matching. InnoDB only indexes words of innodb_ft_min_token_size (default 3) to
 * innodb_ft_max_token_size (84) characters and skips its default stopwords; the driver leaves such
 * words out of the query.
 *
 * SQLite: an FTS5 table `items_fts` with external content (the items table, by rowid), kept in sync
 * by triggers and filled from the existing rows. Triggers live with the table: a later migration
 * that rebuilds `items` (TypeORM does so for many SQLite ALTERs) must recreate them and run
 * `INSERT INTO items_fts(items_fts) VALUES('rebuild')`, as must anyone who VACUUMs (rowids of a
 * table without an INTEGER PRIMARY KEY may change).
 */
export class ItemsFulltext1764374400000 implements MigrationInterface {
  name = 'ItemsFulltext1764374400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (isMysql(queryRunner)) {
      await queryRunner.query(
        'CREATE FULLTEXT INDEX `IDX_items_fulltext_title` ON `items` (`title`)',
      );
      await queryRunner.query(
        'CREATE FULLTEXT INDEX `IDX_items_fulltext` ON `items` (`title`, `body`)',
      );
      return;
    }
    await queryRunner.query(
      `CREATE VIRTUAL TABLE items_fts USING fts5(title, body, content='items', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`,
    );
    await queryRunner.query(
      `CREATE TRIGGER items_fts_after_insert AFTER INSERT ON items BEGIN
         INSERT INTO items_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
       END`,
    );
    await queryRunner.query(
      `CREATE TRIGGER items_fts_after_delete AFTER DELETE ON items BEGIN
         INSERT INTO items_fts(items_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
       END`,
    );
    // Only text changes touch the index: status, version and soft-delete updates do not.
    await queryRunner.query(
      `CREATE TRIGGER items_fts_after_update AFTER UPDATE OF title, body ON items BEGIN
         INSERT INTO items_fts(items_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
         INSERT INTO items_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
       END`,
    );
    await queryRunner.query(`INSERT INTO items_fts(items_fts) VALUES ('rebuild')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (isMysql(queryRunner)) {
      await queryRunner.query('DROP INDEX `IDX_items_fulltext` ON `items`');
      await queryRunner.query('DROP INDEX `IDX_items_fulltext_title` ON `items`');
      return;
    }
    await queryRunner.query('DROP TRIGGER IF EXISTS items_fts_after_update');
    await queryRunner.query('DROP TRIGGER IF EXISTS items_fts_after_delete');
    await queryRunner.query('DROP TRIGGER IF EXISTS items_fts_after_insert');
    await queryRunner.query('DROP TABLE IF EXISTS items_fts');
  }
}

function isMysql(queryRunner: QueryRunner): boolean {
  return ['mysql', 'mariadb'].includes(queryRunner.connection.options.type);
}
