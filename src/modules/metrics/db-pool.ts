/** Connections of the database pool at one instant. */
export interface PoolUsage {
  total: number;
  idle: number;
  used: number;
  /** Most connections the pool may open. */
  max: number;
  /** Queries waiting for a connection because all `max` are in use. */
  waiting: number;
}

interface Sized {
  length: number;
}

/** The parts of a mysql2 Pool read here (private fields: mysql2 has no public statistics API). */
interface Mysql2PoolShape {
  _allConnections: Sized;
  _freeConnections: Sized;
  _connectionQueue: Sized;
  config: { connectionLimit: number };
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

const isSized = (value: unknown): value is Sized =>
  isObject(value) && 'length' in value && typeof value.length === 'number';

function isMysql2Pool(value: unknown): value is Mysql2PoolShape {
  if (!isObject(value)) return false;
  if (!('_allConnections' in value) || !isSized(value._allConnections)) return false;
  if (!('_freeConnections' in value) || !isSized(value._freeConnections)) return false;
  if (!('_connectionQueue' in value) || !isSized(value._connectionQueue)) return false;
  if (!('config' in value) || !isObject(value.config)) return false;
  const config = value.config;
  return 'connectionLimit' in config && typeof config.connectionLimit === 'number';
}

/**
 * Pool usage from TypeORM's driver: mysql2's pool (`driver.pool`) on MySQL/MariaDB; better-sqlite3
 * has one connection, always idle when a scrape runs (its statements run synchronously, so none is
 * in flight while JavaScript runs the scrape). Null when the driver is neither, or has no pool yet.
 */
export function poolUsage(driver: unknown): PoolUsage | null {
  if (!isObject(driver)) return null;
  const pool = 'pool' in driver ? driver.pool : undefined;
  if (isMysql2Pool(pool)) {
    const total = pool._allConnections.length;
    const idle = Math.min(pool._freeConnections.length, total);
    return {
      total,
      idle,
      used: total - idle,
      max: pool.config.connectionLimit,
      waiting: pool._connectionQueue.length,
    };
  }
  const options = 'options' in driver && isObject(driver.options) ? driver.options : null;
  if (options && 'type' in options && options.type === 'better-sqlite3') {
    return { total: 1, idle: 1, used: 0, max: 1, waiting: 0 };
  }
  return null;
}
