import { poolUsage } from './db-pool';

const sized = (length: number): { length: number } => ({ length });

describe('poolUsage', () => {
  it('reads a mysql2 pool: open, idle, in use, limit and waiting queries', () => {
    const driver = {
      options: { type: 'mariadb' },
      pool: {
        _allConnections: sized(7),
        _freeConnections: sized(3),
        _connectionQueue: sized(2),
        config: { connectionLimit: 10 },
      },
    };
    expect(poolUsage(driver)).toEqual({ total: 7, idle: 3, used: 4, max: 10, waiting: 2 });
  });

  it('reports the one connection of better-sqlite3', () => {
    expect(poolUsage({ options: { type: 'better-sqlite3' } })).toEqual({
      total: 1,
      idle: 1,
      used: 0,
      max: 1,
      waiting: 0,
    });
  });

  it('returns null for a pool it does not recognise, or none yet', () => {
    expect(poolUsage({ options: { type: 'mysql' } })).toBeNull();
    expect(poolUsage({ options: { type: 'mysql' }, pool: { _allConnections: [] } })).toBeNull();
    expect(
      poolUsage({
        pool: {
          _allConnections: sized(1),
          _freeConnections: sized(1),
          _connectionQueue: sized(0),
          config: { connectionLimit: '10' },
        },
      }),
    ).toBeNull();
    expect(poolUsage(null)).toBeNull();
    expect(poolUsage({ options: { type: 'postgres' } })).toBeNull();
  });
});
