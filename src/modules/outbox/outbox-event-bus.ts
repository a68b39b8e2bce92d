import { Injectable } from '@nestjs/common';
import { OutboxEvent, OutboxSubscriber } from './outbox.event';

/**
 * The in-app bus the relay publishes to. Modules subscribe at boot (search, realtime); a publish
 * succeeds only if every subscriber succeeds, otherwise the relay retries the whole event later, so
 * subscribers must be idempotent (the event id and version make that easy).
 */
@Injectable()
export class OutboxEventBus {
  private readonly subscribers: Array<{ name: string; handle: OutboxSubscriber }> = [];

  subscribe(name: string, handle: OutboxSubscriber): () => void {
    const entry = { name, handle };
    this.subscribers.push(entry);
    return () => {
      const i = this.subscribers.indexOf(entry);
      if (i >= 0) this.subscribers.splice(i, 1);
    };
  }

  async publish(event: OutboxEvent): Promise<void> {
    const results = await Promise.allSettled(this.subscribers.map((s) => s.handle(event)));
    const failed = results
      .map((r, i) =>
        r.status === 'rejected'
          ? `${this.subscribers[i]?.name}: ${String((r.reason as Error)?.message ?? r.reason)}`
          : null,
      )
      .filter((m): m is string => m !== null);
    if (failed.length > 0) throw new Error(failed.join('; '));
  }
}
