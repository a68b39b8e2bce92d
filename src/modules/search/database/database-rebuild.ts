import type { DataSource } from 'typeorm';
import type { TransactionRunner } from '../../../database/transaction-runner';
import type { IndexRebuild, IndexWriteResult } from '../search-index.port';

/**
 * A rebuild of the database driver's full-text index. Nothing is copied: the index is the items
 * table's own. SQLite rebuilds its FTS5 table from the items table in one transaction (the repair
 * for an index that drifted, e.g. after a VACUUM renumbered rowids); InnoDB maintains FULLTEXT
 * transactionally with every commit, and rebuilding it would mean copying the table under a write
 * lock, so on MySQL/MariaDB publishing has nothing to do.
 */
export class DatabaseRebuild implements IndexRebuild {
  readonly target = null;
  readonly source = null;
  readonly copiesDocuments = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
  ) {}

  write(): Promise<IndexWriteResult> {
    return Promise.resolve({ failed: [] });
  }

  async publish(): Promise<void> {
    if (this.dataSource.options.type !== 'better-sqlite3') return;
    await this.transactions.run((manager) =>
      manager.query(`INSERT INTO items_fts(items_fts) VALUES('rebuild')`),
    );
  }

  cleanup(): Promise<void> {
    return Promise.resolve();
  }

  abort(): Promise<void> {
    return Promise.resolve();
  }
}
