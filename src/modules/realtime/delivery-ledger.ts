import { Injectable } from '@nestjs/common';
import { RealtimeRedis } from './realtime-redis';

const MEMORY_ENTRIES = 100_000;
const REDIS_TTL_SECONDS = 24 * 3600;

// Sets the key to the version only if it is newer than the stored one; 1 when it did.
const ADVANCE_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
return 0`;

/**
 * The last version of each item sent to clients. The outbox delivers at least once; an event whose
 * version is not newer than the last one sent is a redelivery (or overtaken by a newer state) and
 * is dropped, so every socket sees each version once and versions only move forward. Shared
 * through Redis when processes share the adapter; a bounded map in process otherwise.
 */
@Injectable()
export class DeliveryLedger {
  private readonly memory = new Map<string, number>();

  constructor(private readonly redis: RealtimeRedis) {}

  async advance(itemId: string, version: number): Promise<boolean> {
    const client = this.redis.ledger;
    if (client) {
      const key = `${this.redis.keyPrefix}realtime:item-version:${itemId}`;
      const applied = await client.eval(ADVANCE_SCRIPT, 1, key, version, REDIS_TTL_SECONDS);
      return applied === 1;
    }
    const last = this.memory.get(itemId) ?? 0;
    if (version <= last) return false;
    this.memory.delete(itemId);
    this.memory.set(itemId, version);
    if (this.memory.size > MEMORY_ENTRIES) {
      const oldest = this.memory.keys().next().value;
      if (oldest !== undefined) this.memory.delete(oldest);
    }
    return true;
  }
}
