import { MigrationInterface, QueryRunner, Table, type TableForeignKeyOptions } from 'typeorm';

const userFk = (name: string): TableForeignKeyOptions => ({
  name,
  columnNames: ['user_id'],
  referencedTableName: 'users',
  referencedColumnNames: ['id'],
  onDelete: 'CASCADE',
  onUpdate: 'NO ACTION',
});

/**
 * Sessions (one row per refresh-token family: device details, last use, end) and TOTP two-factor
 * (enrolment, recovery codes, login challenges). Families still open get a session row, so users
 * signed in before the upgrade see (and can end) their sessions; device details are unknown there.
 */
export class SessionsAndTwoFactor1764806400000 implements MigrationInterface {
  name = 'SessionsAndTwoFactor1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'last_used_at', type: 'datetime', precision: 3 },
          { name: 'ip', type: 'varchar', length: '45', isNullable: true },
          { name: 'user_agent', type: 'varchar', length: '512', isNullable: true },
          { name: 'ended_at', type: 'datetime', precision: 3, isNullable: true },
        ],
        indices: [{ name: 'IDX_sessions_user_created', columnNames: ['user_id', 'created_at'] }],
        foreignKeys: [userFk('FK_sessions_user')],
      }),
    );
    await queryRunner.query(
      'INSERT INTO sessions (id, user_id, created_at, last_used_at) ' +
        'SELECT family_id, MIN(user_id), MIN(created_at), MAX(created_at) FROM refresh_tokens ' +
        'WHERE revoked_at IS NULL GROUP BY family_id',
    );

    await queryRunner.createTable(
      new Table({
        name: 'two_factor',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'secret', type: 'varchar', length: '255' },
          { name: 'enabled_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'last_step', type: 'integer', isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        foreignKeys: [userFk('FK_two_factor_user')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'two_factor_recovery_codes',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'code_hash', type: 'varchar', length: '64' },
          { name: 'used_at', type: 'datetime', precision: 3, isNullable: true },
        ],
        indices: [{ name: 'IDX_two_factor_recovery_codes_user', columnNames: ['user_id'] }],
        foreignKeys: [userFk('FK_two_factor_recovery_codes_user')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'two_factor_challenges',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'challenge_hash', type: 'varchar', length: '64' },
          { name: 'expires_at', type: 'datetime', precision: 3 },
          { name: 'used_at', type: 'datetime', precision: 3, isNullable: true },
        ],
        indices: [
          {
            name: 'UQ_two_factor_challenges_hash',
            columnNames: ['challenge_hash'],
            isUnique: true,
          },
          { name: 'IDX_two_factor_challenges_user', columnNames: ['user_id'] },
        ],
        foreignKeys: [userFk('FK_two_factor_challenges_user')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('two_factor_challenges', true, true, true);
    await queryRunner.dropTable('two_factor_recovery_codes', true, true, true);
    await queryRunner.dropTable('two_factor', true, true, true);
    await queryRunner.dropTable('sessions', true, true, true);
  }
}
