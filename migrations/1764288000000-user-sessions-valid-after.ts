import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Tokens issued before this instant are refused: set by a password change and by logout-all. */
export class UserSessionsValidAfter1764288000000 implements MigrationInterface {
  name = 'UserSessionsValidAfter1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'better-sqlite3') {
      // Plain ALTER TABLE: TypeORM's SQLite addColumn/dropColumn rebuild the table, and on revert
      // (run inside a transaction, where foreign keys cannot be switched off) dropping the old
      // users table would cascade-delete every refresh token.
      await queryRunner.query('ALTER TABLE "users" ADD COLUMN "sessions_valid_after" datetime(3)');
      return;
    }
    await queryRunner.addColumn(
      'users',
      new TableColumn({
        name: 'sessions_valid_after',
        type: 'datetime',
        precision: 3,
        isNullable: true,
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'better-sqlite3') {
      await queryRunner.query('ALTER TABLE "users" DROP COLUMN "sessions_valid_after"');
      return;
    }
    await queryRunner.dropColumn('users', 'sessions_valid_after');
  }
}
