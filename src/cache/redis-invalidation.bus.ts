import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { RedisConnections } from '../infrastructure/redis/redis-connections';
import { CacheInvalidationBus, InvalidationListener } from './cache-invalidation.bus';

/**
 * Invalidations over Redis pub/sub, on the process's own subscriber connection. `live` turns true
 * only once the SUBSCRIBE is confirmed and false as soon as the connection closes; both
 * transitions tell the listeners to forget everything, since messages sent while this process was
 * not subscribed are lost. A connection that hangs without closing is not noticed: its lost
 * messages are covered by the near cache's TTL (the documented staleness bound).
 */
@Injectable()
export class RedisInvalidationBus extends CacheInvalidationBus implements OnModuleInit {
  private readonly logger = new Logger(RedisInvalidationBus.name);
  private readonly listeners: InvalidationListener[] = [];
  private readonly channel: string;
  private subscribed = false;

  constructor(private readonly redis: RedisConnections) {
    super();
    this.channel = `${redis.keyPrefix}cache:invalidate`;
  }

  get live(): boolean {
    return this.subscribed;
  }

  onModuleInit(): void {
    const client = this.redis.client('cache-sub');
    client.on('ready', () => {
      client.subscribe(this.channel).then(
        () => this.setLive(true),
        (error: Error) =>
          this.logger.warn({ event: 'cache.invalidation.subscribe_failed', error: error.message }),
      );
    });
    client.on('close', () => this.setLive(false));
    client.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const keys = parseKeys(message);
      // A message this process cannot read might have named any key.
      this.emit(keys ?? 'all');
    });
  }

  async publish(keys: readonly string[]): Promise<void> {
    await (await this.redis.connected('cache')).publish(this.channel, JSON.stringify(keys));
  }

  listen(listener: InvalidationListener): void {
    this.listeners.push(listener);
  }

  private setLive(live: boolean): void {
    if (this.subscribed === live) return;
    this.subscribed = live;
    this.logger.log({ event: live ? 'cache.invalidation.live' : 'cache.invalidation.lost' });
    this.emit('all');
  }

  private emit(keys: readonly string[] | 'all'): void {
    for (const listener of this.listeners) listener(keys);
  }
}

function parseKeys(message: string): string[] | null {
  try {
    const value: unknown = JSON.parse(message);
    return Array.isArray(value) && value.every((k) => typeof k === 'string') ? value : null;
  } catch {
    return null;
  }
}
