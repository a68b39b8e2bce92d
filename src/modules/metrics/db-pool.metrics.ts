import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { poolUsage, type PoolUsage } from './db-pool';
import { MetricsRegistry, setOrOmit } from './metrics-registry';

/**
 * `keel_db_pool_connections{state="total|idle|used"}`, `keel_db_pool_max_connections` and
 * `keel_db_pool_waiting_requests`: read from the driver's pool at each scrape (see poolUsage).
 */
@Injectable()
export class DbPoolMetrics {
  constructor(metrics: MetricsRegistry, dataSource: DataSource) {
    const usage = (): PoolUsage | null =>
      dataSource.isInitialized ? poolUsage(dataSource.driver) : null;
    const connections: Gauge<'state'> = new Gauge({
      name: 'keel_db_pool_connections',
      help: 'Database pool connections: open (total), idle, and in use',
      labelNames: ['state'],
      registers: [metrics.registry],
      collect: () => {
        const pool = usage();
        connections.reset();
        if (pool === null) return;
        connections.set({ state: 'total' }, pool.total);
        connections.set({ state: 'idle' }, pool.idle);
        connections.set({ state: 'used' }, pool.used);
      },
    });
    const max: Gauge = new Gauge({
      name: 'keel_db_pool_max_connections',
      help: 'Most connections the database pool may open',
      registers: [metrics.registry],
      collect: () => setOrOmit(max, usage()?.max ?? null),
    });
    const waiting: Gauge = new Gauge({
      name: 'keel_db_pool_waiting_requests',
      help: 'Queries waiting for a free database connection',
      registers: [metrics.registry],
      collect: () => setOrOmit(waiting, usage()?.waiting ?? null),
    });
  }
}
