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

/**
 * Rows per claim. The broker's batches are larger: each claim and each mark-published update is a
 * committed write (an fsync on MariaDB) plus a scan of the pending index, so fewer, larger ones cost
 * less per event, while a message costs the broker little.
 */
const BATCH: Record<OutboxDestination, number> = { 'in-app': 100, rabbitmq: 250 };
/**
 * Batches a destination keeps in flight at once. Profiled per 100 rows on the events bench: claim
 * ~22 ms, publish until the broker's confirms ~37 ms, mark published ~15 ms; done one after the
 * other the broker idled half the time. So the RabbitMQ loop claims the next batch while earlier
 * ones await their confirms. In-app handlers (search indexing, realtime) keep one batch at a time:
 * their work is CPU in this very process, which overlapping would not make faster.
 */
const IN_FLIGHT_BATCHES: Record<OutboxDestination, number> = { 'in-app': 1, rabbitmq: 3 };
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

  /**
   * Claims and delivers batches until the destination has nothing due, keeping up to
   * IN_FLIGHT_BATCHES of them in flight. Overlapping keeps every guarantee: a claimed row is leased
   * and not yet delivered, so the next claim skips it and every later version of its aggregate
   * (order per entity), and each batch marks its rows delivered only after its own publishes
   * resolved (for RabbitMQ: after the broker's confirms). On stop no new batch is claimed and the
   * ones in flight finish.
   */
  private async drain(destination: OutboxDestination): Promise<void> {
    const sweep = this.sweeps.get(destination);
    const inFlight = new Set<Promise<void>>();
    const failures: Error[] = [];
    try {
      // A disconnected broker: its rows wait untouched (no attempts spent) until it reconnects.
      while (!sweep?.stopping && failures.length === 0 && this.bus.available(destination)) {
        const rows = await this.claim(destination);
        if (rows.length === 0) break;
        const delivery: Promise<void> = this.deliver(rows, destination)
          .catch((error: unknown) => {
            failures.push(error instanceof Error ? error : new Error(String(error)));
          })
          .finally(() => inFlight.delete(delivery));
        inFlight.add(delivery);
        if (rows.length < BATCH[destination]) break;
        if (inFlight.size >= IN_FLIGHT_BATCHES[destination]) await Promise.race(inFlight);
      }
    } finally {
      // Even when a claim failed: the run ends (and shutdown proceeds) only once none is in flight.
      await Promise.all(inFlight);
    }
    if (failures[0]) throw failures[0];
    if (destination === 'in-app' && Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
      await this.pruneNow();
    }
  }

  /** One claim-publish-acknowledge round for a destination; returns how many rows it claimed. */
  async dispatchBatch(destination: OutboxDestination = 'in-app'): Promise<number> {
    const rows = await this.claim(destination);
    if (rows.length > 0) await this.deliver(rows, destination);
    return rows.length;
  }

  private claim(destination: OutboxDestination): Promise<OutboxEntity[]> {
    return this.outbox.claim(destination, {
      owner: this.owner,
      now: new Date(),
      leaseMs: LEASE_MS,
      limit: BATCH[destination],
    });
  }

  /** Publishes claimed rows, then marks the ones that went out delivered and the others failed. */
  private async deliver(rows: OutboxEntity[], destination: OutboxDestination): Promise<void> {
    const owner = this.owner;
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
