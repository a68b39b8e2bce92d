import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Items (with their tag index), the transactional outbox and idempotency keys. Large text columns
 * are MEDIUMTEXT on MySQL, where TEXT holds only 64 KB and a 20,000-character utf8mb4 body can
 * need 80 KB; SQLite's TEXT has no such limit.
 */
export class ItemsOutbox1764201600000 implements MigrationInterface {
  name = 'ItemsOutbox1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const isMysql = ['mysql', 'mariadb'].includes(queryRunner.connection.options.type);
    const largeText = isMysql ? 'mediumtext' : 'text';

    await queryRunner.createTable(
      new Table({
        name: 'items',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'owner_id', type: 'varchar', length: '36' },
          { name: 'title', type: 'varchar', length: '200' },
          { name: 'body', type: largeText },
          { name: 'tags', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'version', type: 'integer' },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
          { name: 'deleted_at', type: 'datetime', precision: 3, isNullable: true },
        ],
        indices: [
          { name: 'IDX_items_created', columnNames: ['created_at', 'id'] },
          { name: 'IDX_items_updated', columnNames: ['updated_at', 'id'] },
          { name: 'IDX_items_title', columnNames: ['title', 'id'] },
          { name: 'IDX_items_owner_created', columnNames: ['owner_id', 'created_at', 'id'] },
          { name: 'IDX_items_status_created', columnNames: ['status', 'created_at', 'id'] },
        ],
        foreignKeys: [
          {
            name: 'FK_items_owner',
            columnNames: ['owner_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'item_tags',
        columns: [
          { name: 'item_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'tag', type: 'varchar', length: '40', isPrimary: true },
        ],
        indices: [{ name: 'IDX_item_tags_tag', columnNames: ['tag', 'item_id'] }],
        foreignKeys: [
          {
            name: 'FK_item_tags_item',
            columnNames: ['item_id'],
            referencedTableName: 'items',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'outbox',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'event_type', type: 'varchar', length: '64' },
          { name: 'aggregate_id', type: 'varchar', length: '36' },
          { name: 'version', type: 'integer' },
          { name: 'payload', type: largeText },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'dispatched_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'attempts', type: 'integer' },
          { name: 'next_attempt_at', type: 'datetime', precision: 3 },
          { name: 'last_error', type: 'varchar', length: '500', isNullable: true },
          { name: 'lease_until', type: 'datetime', precision: 3, isNullable: true },
          { name: 'lease_owner', type: 'varchar', length: '64', isNullable: true },
        ],
        indices: [
          {
            name: 'UQ_outbox_aggregate_version',
            columnNames: ['aggregate_id', 'version'],
            isUnique: true,
          },
          { name: 'IDX_outbox_pending', columnNames: ['dispatched_at', 'created_at'] },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'scope', type: 'varchar', length: '32', isPrimary: true },
          { name: 'idempotency_key', type: 'varchar', length: '255', isPrimary: true },
          { name: 'request_hash', type: 'varchar', length: '64' },
          { name: 'resource_id', type: 'varchar', length: '36' },
          { name: 'response', type: largeText },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [{ name: 'IDX_idempotency_keys_created', columnNames: ['created_at'] }],
        foreignKeys: [
          {
            name: 'FK_idempotency_keys_user',
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
    await queryRunner.dropTable('idempotency_keys', true, true, true);
    await queryRunner.dropTable('outbox', true, true, true);
    await queryRunner.dropTable('item_tags', true, true, true);
    await queryRunner.dropTable('items', true, true, true);
  }
}
