import { Injectable } from '@nestjs/common';
import { RedisConnections } from '../../infrastructure/redis/redis-connections';
import { OutboxWakeSignal } from './outbox-wake-signal';

/**
 * Full stack: a Redis PUBLISH after each commit, on `${keyPrefix}outbox:wake`, which every relay
 * subscribes to. Redis being away costs only latency: the sweep still finds the rows.
 */
@Injectable()
export class RedisOutboxWakeSignal extends OutboxWakeSignal {
  private readonly channel: string;
  private sending = false;
  private again = false;

  constructor(private readonly redis: RedisConnections) {
    super();
    this.channel = `${redis.keyPrefix}outbox:wake`;
  }

  notify(): void {
    // One signal in flight at a time; a commit meanwhile sends one more after it (the relay may
    // have started draining before that commit was visible).
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    this.again = false;
    this.redis
      .connected('wake-pub')
      .then((client) => client.publish(this.channel, '1'))
      .catch(() => undefined)
      .finally(() => {
        this.sending = false;
        if (this.again) this.notify();
      });
  }

  subscribe(listener: () => void): void {
    const client = this.redis.client('wake-sub');
    client.on('message', (channel: string) => {
      if (channel === this.channel) listener();
    });
    client.subscribe(this.channel).catch(() => undefined);
  }
}
