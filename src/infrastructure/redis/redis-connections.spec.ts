import { RedisConnections } from './redis-connections';

/** Nothing listens on port 1: every connection attempt is refused at once. */
const UNREACHABLE = { url: 'redis://127.0.0.1:1', keyPrefix: 'keel-unit:' };

describe('RedisConnections', () => {
  let redis: RedisConnections;

  beforeEach(() => {
    redis = new RedisConnections(UNREACHABLE);
  });

  afterEach(() => redis.onApplicationShutdown());

  it('creates one client per role, on first use', () => {
    const cache = redis.client('cache');
    expect(redis.client('cache')).toBe(cache);
    expect(redis.client('ledger')).not.toBe(cache);
    expect(redis.keyPrefix).toBe('keel-unit:');
  });

  it('leaves a lazy role unconnected until a caller needs it', () => {
    expect(redis.client('rate-limit').status).toBe('wait');
  });

  it('does not throw when Redis is away; the fail-fast command after it is refused', async () => {
    const client = await redis.connected('health');
    expect(client.status).not.toBe('ready');
    await expect(client.ping()).rejects.toThrow();
  });

  it('closes every client at shutdown and opens none after', async () => {
    const clients = [redis.client('cache'), redis.client('socket-pub')];
    await redis.onApplicationShutdown();
    await Promise.all(
      clients.map((client) =>
        client.status === 'end'
          ? Promise.resolve()
          : new Promise<void>((resolve) => client.once('end', () => resolve())),
      ),
    );
    expect(() => redis.client('ledger')).toThrow(/shutting down/);
  });
});
