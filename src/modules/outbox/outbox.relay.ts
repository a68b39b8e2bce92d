import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { PeriodicTask } from '../../common/scheduling/periodic-task';
import type { AppConfig } from '../../config/configuration';
import {
  DELIVERY_COLUMNS,
  OUTBOX_DESTINATIONS,
  type OutboxDestination,
} from './outbox-destination';
import { OutboxEventBus } from './outbox-event-bus';
import { OutboxWakeSignal } from './outbox-wake-signal';
import { OutboxEntity } from './outbox.entity';
import { OutboxRepository } from './outbox.repository';

const BATCH = 100;
const LEASE_MS = 30_000;
const MAX_BACKOFF_MS = 5 * 60_000;
const PRUNE_EVERY_MS = 10 * 60_000;

/** Exponential backoff with jitter: ~0.5 s, 1 s, 2 s, … capped at five minutes. */
export function backoffMs(attempts: number): number {
  const base = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(attempts, 20));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/**
 * Moves committed outbox rows to their destinations: the in-app handlers (search, realtime) and,
 * with RABBITMQ_URL, the broker. Each destination has its own dispatch loop and its own delivery
 * columns, so one being down never holds back the other. Woken right after a commit and by a
 * periodic sweep (which also picks up rows left by a process that died before dispatching them).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly settings: AppConfig['outbox'];
  private readonly enabled: boolean;
  private readonly sweeps = new Map<OutboxDestination, PeriodicTask>(
    OUTBOX_DESTINATIONS.map((destination) => [
      destination,
      new PeriodicTask(() => this.drain(destination), {
        logger: this.logger,
        failureEvent: 'outbox.relay_failed',
        failureLevel: 'error',
      }),
    ]),
  );
  private lastPrune = 0;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly bus: OutboxEventBus,
    private readonly signal: OutboxWakeSignal,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.settings = config.get('outbox', { infer: true });
    this.enabled = config.get('workers', { infer: true }) === 'inline';
  }

  onApplicationBootstrap(): void {
    if (this.enabled) this.start();
  }

  /** Starts dispatching (at boot when WORKERS=inline); picks up whatever earlier processes left. */
  start(): void {
    this.signal.subscribe(() => this.wake());
    for (const [destination, sweep] of this.sweeps) {
      if (destination === 'in-app' || this.bus.hasDestination(destination)) {
        sweep.start(this.settings.sweepMs, { runAtStart: true });
      }
    }
  }

  /**
   * First of the shutdown hooks: no new batch is claimed and the one in progress finishes while its
   * subscribers (queue, Redis, broker) and the pool are still open. Rows it could not publish stay
   * pending (their lease expires) for another process.
   */
  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.sweeps.values()].map((sweep) => sweep.stop()));
  }

  /**
   * Called right after a commit: this process's relay (if it runs one) dispatches at once, and the
   * relays of other processes (workers beside an API with WORKERS=off) are told through the signal.
   */
  committed(): void {
    this.wake();
    if (!this.enabled) this.signal.notify();
  }

  /** Asks for a dispatch round soon (every destination, or one). */
  wake(destination?: OutboxDestination): void {
    for (const [name, sweep] of this.sweeps) {
      if (sweep.started && (destination === undefined || destination === name)) sweep.wake();
    }
  }

  private async drain(destination: OutboxDestination): Promise<void> {
    const sweep = this.sweeps.get(destination);
    // A disconnected broker: its rows wait untouched (no attempts spent) until it reconnects.
    if (!this.bus.available(destination)) return;
    let claimed = BATCH;
    while (claimed === BATCH && !sweep?.stopping) claimed = await this.dispatchBatch(destination);
    if (destination === 'in-app' && Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
      await this.pruneNow();
    }
  }

  /** One claim-publish-acknowledge round for a destination; returns how many rows it claimed. */
  async dispatchBatch(destination: OutboxDestination = 'in-app'): Promise<number> {
    const owner = this.owner;
    const rows = await this.outbox.claim(destination, {
      owner,
      now: new Date(),
      leaseMs: LEASE_MS,
      limit: BATCH,
    });
    if (rows.length === 0) return 0;
    const results = await Promise.all(rows.map((row) => this.publish(row, destination)));
    const done = rows.filter((_, i) => results[i] === null).map((r) => r.id);
    await this.outbox.markDelivered(destination, owner, done, new Date());
    const attemptsOf = DELIVERY_COLUMNS[destination].attempts;
    await Promise.all(
      rows.map((row, i) => {
        const error = results[i];
        if (error === null || error === undefined) return Promise.resolve();
        const attempts = Number(row[attemptsOf] ?? 0);
        this.logger.warn({
          event: 'outbox.dispatch_failed',
          destination,
          outboxId: row.id,
          attempts: attempts + 1,
          error,
        });
        const retryAt = new Date(Date.now() + backoffMs(attempts));
        return this.outbox.markFailed(destination, { owner, id: row.id, attempts, retryAt, error });
      }),
    );
    return rows.length;
  }

  private async publish(row: OutboxEntity, destination: OutboxDestination): Promise<string | null> {
    try {
      await this.bus.publish(
        {
          id: row.id,
          type: row.eventType,
          aggregateId: row.aggregateId,
          version: row.version,
          payload: JSON.parse(row.payload) as unknown,
          occurredAt: row.createdAt,
        },
        destination,
      );
      return null;
    } catch (error) {
      return (error as Error).message || 'subscriber failed';
    }
  }

  /** Deletes rows every destination received before the retention (run by the sweep every ten minutes). */
  async pruneNow(): Promise<void> {
    this.lastPrune = Date.now();
    const before = new Date(Date.now() - this.settings.retentionHours * 3600_000);
    const removed = await this.outbox.pruneDispatchedBefore(before);
    if (removed > 0) this.logger.log({ event: 'outbox.pruned', removed });
  }
}
