import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { poolUsage, type PoolUsage } from './db-pool';
import { MetricsRegistry } from './metrics-registry';

/**
 * `keel_db_pool_connections{state="total|idle|used"}`, `keel_db_pool_max_connections` and
 * `keel_db_pool_waiting_requests`: read from the driver's pool at each scrape (see poolUsage).
 */
@Injectable()
export class DbPoolMetrics {
  constructor(metrics: MetricsRegistry, dataSource: DataSource) {
    const usage = (): PoolUsage | null =>
      dataSource.isInitialized ? poolUsage(dataSource.driver) : null;
    metrics.labelled({
      name: 'keel_db_pool_connections',
      help: 'Database pool connections: open (total), idle, and in use',
      label: 'state',
      read: () => {
        const pool = usage();
        return pool && { total: pool.total, idle: pool.idle, used: pool.used };
      },
    });
    metrics.gauge(
      'keel_db_pool_max_connections',
      'Most connections the database pool may open',
      () => usage()?.max ?? null,
    );
    metrics.gauge(
      'keel_db_pool_waiting_requests',
      'Queries waiting for a free database connection',
      () => usage()?.waiting ?? null,
    );
  }
}
