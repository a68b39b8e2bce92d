import Redis from 'ioredis';
import { isRecord } from '../lib/http';
import { requiredEnv, serveItems } from './baseline-server';

/**
 * Baseline A: verify the JWT, GET the item from the very Redis key Keel's cache wrote, and answer
 * with its JSON. Keyv stores an envelope `{"value": <item>, "expires": <ms>}`; like Keel, the value
 * is parsed out of it and serialised again.
 */
const redis = new Redis(requiredEnv('REDIS_URL'), { enableOfflineQueue: true });
/** the actual key before the item id, read from Redis by the bench (e.g. `<prefix>cache::item:`) */
const keyPrefix = requiredEnv('ITEM_KEY_PREFIX');

serveItems({
  load: async (id) => {
    const raw = await redis.get(`${keyPrefix}${id}`);
    if (raw === null) return null;
    const envelope: unknown = JSON.parse(raw);
    if (!isRecord(envelope) || !isRecord(envelope.value)) return null;
    if (typeof envelope.expires === 'number' && envelope.expires < Date.now()) return null;
    const version = envelope.value.version;
    return {
      json: JSON.stringify(envelope.value),
      version: typeof version === 'number' ? version : 0,
    };
  },
  close: async () => {
    await redis.quit();
  },
});
