import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Full reindex jobs (POST /admin/search/reindex): progress, and one unfinished job at a time. */
export class SearchReindexJobs1764460800000 implements MigrationInterface {
  name = 'SearchReindexJobs1764460800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'search_reindex_jobs',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'phase', type: 'varchar', length: '16' },
          { name: 'driver', type: 'varchar', length: '16' },
          { name: 'source_index', type: 'varchar', length: '255', isNullable: true },
          { name: 'target_index', type: 'varchar', length: '255', isNullable: true },
          { name: 'total', type: 'integer' },
          { name: 'processed', type: 'integer' },
          { name: 'reapplied', type: 'integer' },
          { name: 'rejected', type: 'integer' },
          { name: 'error', type: 'varchar', length: '500', isNullable: true },
          { name: 'active_slot', type: 'varchar', length: '16', isNullable: true },
          { name: 'requested_by', type: 'varchar', length: '36' },
          { name: 'owner', type: 'varchar', length: '64', isNullable: true },
          { name: 'heartbeat_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'started_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'finished_at', type: 'datetime', precision: 3, isNullable: true },
        ],
        indices: [
          { name: 'UQ_search_reindex_jobs_active', columnNames: ['active_slot'], isUnique: true },
          { name: 'IDX_search_reindex_jobs_created', columnNames: ['created_at', 'id'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('search_reindex_jobs');
  }
}
