import * as mysql2 from 'mysql2';
import type { Pool, PoolConnection, PoolOptions } from 'mysql2';

type Callback = (error: Error | null, ...rest: unknown[]) => void;

/** An error of the database being out of reach, not of the query: answered 503. */
export class DatabaseTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  readonly fatal = true;
}

/**
 * mysql2 as TypeORM's `driver`, with deadlines a MariaDB that stops answering cannot outlast:
 * - taking a connection (from the pool, or a new one) fails after `acquireTimeoutMs`, so requests
 *   queued behind a pool full of stuck connections do not wait for ever;
 * - a query fails after `queryTimeoutMs`, and its connection is destroyed (mysql2's own `timeout`
 *   leaves the connection in the pool with the query still pending on it, so every later query on
 *   that connection would hang too).
 *
 * The query deadline is off until `arm()`: migrations run at boot (and from the CLI) may take long.
 */
export class DeadlineMysqlDriver {
  private armed = false;

  constructor(
    readonly acquireTimeoutMs: number,
    readonly queryTimeoutMs: number,
  ) {}

  arm(): void {
    this.armed = true;
  }

  createPool(config: PoolOptions): Pool {
    const pool = mysql2.createPool(config);
    pool.on('connection', (connection) => this.guardQueries(connection));
    const getConnection = pool.getConnection.bind(pool);
    pool.getConnection = (callback: (error: Error | null, connection: PoolConnection) => void) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        callback(
          new DatabaseTimeoutError(`no database connection within ${this.acquireTimeoutMs} ms`),
          undefined as unknown as PoolConnection,
        );
      }, this.acquireTimeoutMs);
      getConnection((error, connection) => {
        clearTimeout(timer);
        if (!settled) {
          settled = true;
          callback(error, connection);
        } else if (connection) {
          // It came too late for its caller: give it back to the pool.
          connection.release();
        }
      });
    };
    return pool;
  }

  private guardQueries(connection: PoolConnection): void {
    const query = connection.query.bind(connection) as (...args: unknown[]) => unknown;
    const guarded = (...args: unknown[]): unknown => {
      const at = args.findIndex((arg) => typeof arg === 'function');
      if (!this.armed || at < 0) return query(...args);
      const callback = args[at] as Callback;
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        connection.destroy();
        callback(new DatabaseTimeoutError(`query took longer than ${this.queryTimeoutMs} ms`));
      }, this.queryTimeoutMs);
      args[at] = (error: Error | null, ...rest: unknown[]): void => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        callback(error, ...rest);
      };
      return query(...args);
    };
    Object.assign(connection, { query: guarded });
  }
}
