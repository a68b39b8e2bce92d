import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * The RabbitMQ destination of the outbox tracks its delivery on its own columns, beside the in-app
 * ones (dispatched_at, attempts, ...): a broker outage holds back only these, never search indexing
 * or realtime. Rows written before this migration are marked published (they predate the broker).
 */
export class OutboxBrokerDelivery1764547200000 implements MigrationInterface {
  name = 'OutboxBrokerDelivery1764547200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('outbox', [
      new TableColumn({ name: 'published_at', type: 'datetime', precision: 3, isNullable: true }),
      new TableColumn({ name: 'publish_attempts', type: 'integer', default: 0 }),
      new TableColumn({
        name: 'publish_next_attempt_at',
        type: 'datetime',
        precision: 3,
        isNullable: true,
      }),
      new TableColumn({
        name: 'publish_last_error',
        type: 'varchar',
        length: '500',
        isNullable: true,
      }),
      new TableColumn({
        name: 'publish_lease_until',
        type: 'datetime',
        precision: 3,
        isNullable: true,
      }),
      new TableColumn({
        name: 'publish_lease_owner',
        type: 'varchar',
        length: '64',
        isNullable: true,
      }),
    ]);
    await queryRunner.query('UPDATE outbox SET published_at = created_at');
    await queryRunner.createIndex(
      'outbox',
      new TableIndex({
        name: 'IDX_outbox_unpublished',
        columnNames: ['published_at', 'created_at'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('outbox', 'IDX_outbox_unpublished');
    for (const column of [
      'publish_lease_owner',
      'publish_lease_until',
      'publish_last_error',
      'publish_next_attempt_at',
      'publish_attempts',
      'published_at',
    ]) {
      await queryRunner.dropColumn('outbox', column);
    }
  }
}
