import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Users and refresh tokens. Written with the QueryRunner Table API (no raw DDL) so the same file
 * runs on MySQL/MariaDB and SQLite. Self-contained: migrations never import application code.
 */
export class UsersAndRefreshTokens1764158400000 implements MigrationInterface {
  name = 'UsersAndRefreshTokens1764158400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'email', type: 'varchar', length: '254' },
          { name: 'password_hash', type: 'varchar', length: '255' },
          { name: 'display_name', type: 'varchar', length: '100' },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'is_active', type: 'boolean' },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          { name: 'UQ_users_email', columnNames: ['email'], isUnique: true },
          { name: 'IDX_users_created_at_id', columnNames: ['created_at', 'id'] },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'refresh_tokens',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'family_id', type: 'varchar', length: '36' },
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'expires_at', type: 'datetime', precision: 3 },
          { name: 'used_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'revoked_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          { name: 'UQ_refresh_tokens_token_hash', columnNames: ['token_hash'], isUnique: true },
          { name: 'IDX_refresh_tokens_family', columnNames: ['family_id'] },
          { name: 'IDX_refresh_tokens_user', columnNames: ['user_id'] },
        ],
        foreignKeys: [
          {
            name: 'FK_refresh_tokens_user',
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
    await queryRunner.dropTable('refresh_tokens', true, true, true);
    await queryRunner.dropTable('users', true, true, true);
  }
}
