import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { TEST_REDIS_URL } from './test-database';

/** A REDIS_KEY_PREFIX of a test's own, so tests sharing the local Redis never see each other. */
export const testKeyPrefix = (label = 'keel-test'): string =>
  `${label}-${randomBytes(4).toString('hex')}:`;

/** Deletes every key under a prefix (a test's cleanup). */
export async function dropRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    await redis.quit();
  }
}
