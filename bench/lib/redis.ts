import Redis from 'ioredis';

export function connectRedis(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    enableOfflineQueue: true,
    retryStrategy: (attempt: number) => (attempt > 3 ? null : 200),
  });
}

/** Every key under `prefix` (SCAN, never KEYS, so a shared Redis is not blocked). */
export async function keysWithPrefix(redis: Redis, prefix: string): Promise<string[]> {
  if (!/^[A-Za-z0-9:_-]+$/.test(prefix)) throw new Error(`refusing key prefix ${prefix}`);
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [nextCursor, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = nextCursor;
  } while (cursor !== '0');
  return keys;
}

export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  const keys = await keysWithPrefix(redis, prefix);
  for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
  return keys.length;
}
