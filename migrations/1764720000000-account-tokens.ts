import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';

/**
 * Account flows: users.email_verified (+ email_verified_at), and account_tokens, the single-use
 * tokens behind the links mailed for email verification, password reset and email change (only
 * their SHA-256 is stored). Existing accounts start unverified.
 */
export class AccountTokens1764720000000 implements MigrationInterface {
  name = 'AccountTokens1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'better-sqlite3') {
      // Plain ALTER TABLE, as in user-sessions-valid-after: TypeORM's SQLite addColumn rebuilds the
      // users table, and dropping it on revert would cascade-delete refresh tokens.
      await queryRunner.query(
        'ALTER TABLE "users" ADD COLUMN "email_verified" boolean NOT NULL DEFAULT (0)',
      );
      await queryRunner.query('ALTER TABLE "users" ADD COLUMN "email_verified_at" datetime(3)');
    } else {
      await queryRunner.addColumns('users', [
        new TableColumn({
          name: 'email_verified',
          type: 'boolean',
          isNullable: false,
          default: false,
        }),
        new TableColumn({
          name: 'email_verified_at',
          type: 'datetime',
          precision: 3,
          isNullable: true,
        }),
      ]);
    }

    await queryRunner.createTable(
      new Table({
        name: 'account_tokens',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'purpose', type: 'varchar', length: '32' },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'new_email', type: 'varchar', length: '254', isNullable: true },
          { name: 'expires_at', type: 'datetime', precision: 3 },
          { name: 'used_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          { name: 'UQ_account_tokens_token_hash', columnNames: ['token_hash'], isUnique: true },
          { name: 'IDX_account_tokens_user', columnNames: ['user_id'] },
        ],
        foreignKeys: [
          {
            name: 'FK_account_tokens_user',
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('account_tokens', true, true, true);
    if (queryRunner.connection.options.type === 'better-sqlite3') {
      await queryRunner.query('ALTER TABLE "users" DROP COLUMN "email_verified_at"');
      await queryRunner.query('ALTER TABLE "users" DROP COLUMN "email_verified"');
      return;
    }
    await queryRunner.dropColumn('users', 'email_verified_at');
    await queryRunner.dropColumn('users', 'email_verified');
  }
}
