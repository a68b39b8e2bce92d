import type { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../../config/configuration';
import type { OutboxDestination } from './outbox-destination';
import type { OutboxEventBus } from './outbox-event-bus';
import type { OutboxWakeSignal } from './outbox-wake-signal';
import type { OutboxEntity } from './outbox.entity';
import type { OutboxEvent } from './outbox.event';
import { OutboxRelay } from './outbox.relay';
import type { OutboxRepository } from './outbox.repository';

/** Lets every pending promise callback run (the relay's loop awaits only fakes here). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

/** Pending broker rows handed out in claim order; records claims and marks. */
class FakeOutbox {
  private readonly pending: OutboxEntity[];
  readonly claims: number[] = [];
  readonly delivered: string[] = [];

  constructor(count: number) {
    this.pending = Array.from(
      { length: count },
      (_, i) =>
        ({
          id: `row-${i}`,
          eventType: 'item.created',
          aggregateId: `item-${i}`,
          version: 1,
          payload: '{}',
          createdAt: new Date(0),
          publishAttempts: 0,
        }) as OutboxEntity,
    );
  }

  claim(destination: OutboxDestination, { limit }: { limit: number }): Promise<OutboxEntity[]> {
    if (destination !== 'rabbitmq') return Promise.resolve([]);
    const rows = this.pending.splice(0, limit);
    this.claims.push(rows.length);
    return Promise.resolve(rows);
  }

  pruneDispatchedBefore(): Promise<number> {
    return Promise.resolve(0);
  }

  markDelivered(_d: OutboxDestination, _owner: string, ids: string[]): Promise<void> {
    this.delivered.push(...ids);
    return Promise.resolve();
  }
}

/** A broker whose confirms the test releases by hand. */
class FakeBroker {
  readonly unconfirmed = new Map<string, () => void>();

  publish(event: OutboxEvent): Promise<void> {
    return new Promise((resolve) => this.unconfirmed.set(event.id, resolve));
  }

  confirm(count: number): void {
    for (const [id, resolve] of [...this.unconfirmed].slice(0, count)) {
      this.unconfirmed.delete(id);
      resolve();
    }
  }
}

/** A started relay over `pending` broker rows, once its first claims have run. */
async function startedOver(pending: number) {
  const outbox = new FakeOutbox(pending);
  const broker = new FakeBroker();
  const relay = relayOver(outbox, broker);
  relay.start();
  await settle();
  return { outbox, broker, relay };
}

function relayOver(outbox: FakeOutbox, broker: FakeBroker): OutboxRelay {
  const bus = {
    hasDestination: () => true,
    available: () => true,
    publish: (event: OutboxEvent) => broker.publish(event),
  } as unknown as OutboxEventBus;
  const signal = { subscribe: () => undefined, notify: () => undefined } as OutboxWakeSignal;
  const config = {
    get: (key: string) => (key === 'outbox' ? { sweepMs: 60_000, retentionHours: 24 } : 'off'),
  } as unknown as ConfigService<AppConfig, true>;
  return new OutboxRelay(outbox as unknown as OutboxRepository, bus, signal, config);
}

describe('OutboxRelay, RabbitMQ destination', () => {
  it('claims the next batches while earlier ones await confirms, marking rows only once confirmed', async () => {
    const { outbox, broker, relay } = await startedOver(1000);
    // Three batches in flight, none confirmed: nothing is marked published.
    expect(outbox.claims).toEqual([250, 250, 250]);
    expect(broker.unconfirmed.size).toBe(750);
    expect(outbox.delivered).toEqual([]);

    broker.confirm(250);
    await settle();
    expect(outbox.delivered).toEqual(Array.from({ length: 250 }, (_, i) => `row-${i}`));
    expect(outbox.claims).toEqual([250, 250, 250, 250]);

    broker.confirm(750);
    await settle();
    expect(outbox.delivered).toHaveLength(1000);
    await relay.onModuleDestroy();
  });

  it('on shutdown claims nothing more and finishes the batches in flight', async () => {
    const { outbox, broker, relay } = await startedOver(1000);
    let stopped = false;
    const stopping = relay.onModuleDestroy().then(() => {
      stopped = true;
    });
    broker.confirm(250);
    await settle();
    expect(stopped).toBe(false);
    expect(outbox.claims).toEqual([250, 250, 250]);

    broker.confirm(500);
    await stopping;
    expect(outbox.delivered).toHaveLength(750);
    expect(outbox.claims).toHaveLength(3);
  });
});
