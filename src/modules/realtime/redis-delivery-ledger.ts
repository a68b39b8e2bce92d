import { Injectable } from '@nestjs/common';
import { RedisConnections } from '../../infrastructure/redis/redis-connections';
import { DeliveryLedger } from './delivery-ledger';

const REDIS_TTL_SECONDS = 24 * 3600;

// Sets the key to the version only if it is newer than the stored one (never backwards).
const RECORD_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
return 0`;

/**
 * The full-stack profile's ledger, shared in Redis by every process that broadcasts (API processes
 * and workers), so a redelivery is dropped whichever process receives it. It fails fast while
 * Redis is away: the outbox relay retries the event later.
 */
@Injectable()
export class RedisDeliveryLedger implements DeliveryLedger {
  constructor(private readonly redis: RedisConnections) {
    // Connected at boot: a fail-fast client refuses commands while its socket is still opening.
    redis.client('ledger');
  }

  async isNew(itemId: string, version: number): Promise<boolean> {
    const last = await this.redis.client('ledger').get(this.key(itemId));
    return version > Number(last ?? 0);
  }

  async record(itemId: string, version: number): Promise<void> {
    await this.redis
      .client('ledger')
      .eval(RECORD_SCRIPT, 1, this.key(itemId), version, REDIS_TTL_SECONDS);
  }

  private key(itemId: string): string {
    return `${this.redis.keyPrefix}realtime:item-version:${itemId}`;
  }
}
