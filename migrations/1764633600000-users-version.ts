import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * A version per user, raised by every change that emits a user event: consumers of the outbox order
 * and deduplicate user events on it. Existing accounts start at 1.
 */
export class UsersVersion1764633600000 implements MigrationInterface {
  name = 'UsersVersion1764633600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'better-sqlite3') {
      // Plain ALTER TABLE, as in user-sessions-valid-after: TypeORM's SQLite addColumn rebuilds the
      // table, and dropping the old users table on revert would cascade-delete refresh tokens.
      await queryRunner.query(
        'ALTER TABLE "users" ADD COLUMN "version" integer NOT NULL DEFAULT (1)',
      );
      return;
    }
    await queryRunner.addColumn(
      'users',
      new TableColumn({ name: 'version', type: 'integer', isNullable: false, default: 1 }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'better-sqlite3') {
      await queryRunner.query('ALTER TABLE "users" DROP COLUMN "version"');
      return;
    }
    await queryRunner.dropColumn('users', 'version');
  }
}
