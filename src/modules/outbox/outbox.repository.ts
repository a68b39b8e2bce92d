import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, In, IsNull, LessThan, Not, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { TransactionRunner } from '../../database/transaction-runner';
import { columnOf, DELIVERY_COLUMNS, type OutboxDestination } from './outbox-destination';
import { OutboxEventBus } from './outbox-event-bus';
import { OutboxEntity } from './outbox.entity';
import { NewOutboxEvent } from './outbox.event';

type DeliveryState = Partial<{
  deliveredAt: Date | null;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  leaseUntil: Date | null;
  leaseOwner: string | null;
}>;

/** One destination's delivery state as an update of its own columns. */
function deliveryValues(
  destination: OutboxDestination,
  state: DeliveryState,
): QueryDeepPartialEntity<OutboxEntity> {
  const columns = DELIVERY_COLUMNS[destination];
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state)) {
    values[columns[key as keyof DeliveryState]] = value;
  }
  return values;
}

/** A datetime as the driver returns it: a Date (mysql2), or SQLite's UTC text without a zone. */
const utcDate = (value: string | Date): Date =>
  value instanceof Date || /(Z|[+-]\d\d:?\d\d)$/i.test(value)
    ? new Date(value)
    : new Date(`${value.replace(' ', 'T')}Z`);

export interface OutboxStats {
  pending: number;
  oldestPendingAt: Date | null;
}

@Injectable()
export class OutboxRepository {
  constructor(
    @InjectRepository(OutboxEntity) private readonly repo: Repository<OutboxEntity>,
    private readonly tx: TransactionRunner,
    private readonly bus: OutboxEventBus,
  ) {}

  /**
   * Appends an event inside the caller's transaction. A destination this deployment does not have
   * (RabbitMQ without RABBITMQ_URL) is marked delivered at once: it never receives old events.
   */
  async append(manager: EntityManager, event: NewOutboxEvent, at: Date): Promise<void> {
    const broker = this.bus.hasDestination('rabbitmq');
    await manager.insert(OutboxEntity, {
      id: randomUUID(),
      eventType: event.type,
      aggregateId: event.aggregateId,
      version: event.version,
      payload: JSON.stringify(event.payload),
      createdAt: at,
      dispatchedAt: null,
      attempts: 0,
      nextAttemptAt: at,
      lastError: null,
      leaseUntil: null,
      leaseOwner: null,
      publishedAt: broker ? null : at,
      publishAttempts: 0,
      publishNextAttemptAt: null,
      publishLastError: null,
      publishLeaseUntil: null,
      publishLeaseOwner: null,
    });
  }

  /**
   * Claims up to `limit` rows due for one destination, for one relay. Only the oldest version of
   * each aggregate that this destination has not received is eligible, so an aggregate's events go
   * out in order even across retries and relays; the lease lets another process take over rows
   * whose relay died.
   */
  async claim(
    destination: OutboxDestination,
    claim: { owner: string; now: Date; leaseMs: number; limit: number },
  ): Promise<OutboxEntity[]> {
    const { owner, now, leaseMs, limit } = claim;
    const c = DELIVERY_COLUMNS[destination];
    const candidates = await this.repo
      .createQueryBuilder('o')
      .select('o.id', 'id')
      .where(`o.${c.deliveredAt} IS NULL`)
      .andWhere(`(o.${c.nextAttemptAt} IS NULL OR o.${c.nextAttemptAt} <= :now)`, { now })
      .andWhere(`(o.${c.leaseUntil} IS NULL OR o.${c.leaseUntil} < :now)`, { now })
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM outbox p WHERE p.aggregate_id = o.aggregate_id
           AND p.${columnOf(c.deliveredAt)} IS NULL AND p.version < o.version)`,
      )
      .orderBy('o.createdAt', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .limit(limit)
      .getRawMany<{ id: string }>();
    if (candidates.length === 0) return [];
    const ids = candidates.map((row) => row.id);
    const until = new Date(now.getTime() + leaseMs);
    await this.tx.run((m) =>
      m
        .createQueryBuilder()
        .update(OutboxEntity)
        .set(deliveryValues(destination, { leaseOwner: owner, leaseUntil: until }))
        .where({ id: In(ids) })
        .andWhere(`${columnOf(c.deliveredAt)} IS NULL`)
        .andWhere(`(${columnOf(c.leaseUntil)} IS NULL OR ${columnOf(c.leaseUntil)} < :now)`, {
          now,
        })
        .execute(),
    );
    return this.repo.find({
      where: { id: In(ids), [c.leaseOwner]: owner, [c.leaseUntil]: until },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async markDelivered(
    destination: OutboxDestination,
    owner: string,
    ids: string[],
    at: Date,
  ): Promise<void> {
    if (ids.length === 0) return;
    const c = DELIVERY_COLUMNS[destination];
    await this.tx.run((m) =>
      m.update(
        OutboxEntity,
        { id: In(ids), [c.leaseOwner]: owner },
        deliveryValues(destination, { deliveredAt: at, leaseOwner: null, leaseUntil: null }),
      ),
    );
  }

  async markFailed(
    destination: OutboxDestination,
    failure: { owner: string; id: string; attempts: number; retryAt: Date; error: string },
  ): Promise<void> {
    const c = DELIVERY_COLUMNS[destination];
    await this.tx.run((m) =>
      m.update(
        OutboxEntity,
        { id: failure.id, [c.leaseOwner]: failure.owner },
        deliveryValues(destination, {
          attempts: failure.attempts + 1,
          nextAttemptAt: failure.retryAt,
          lastError: failure.error.slice(0, 500),
          leaseOwner: null,
          leaseUntil: null,
        }),
      ),
    );
  }

  /** Rows dispatched in-app before `before` that the broker (if any) has received too. */
  async pruneDispatchedBefore(before: Date): Promise<number> {
    const result = await this.tx.run((m) =>
      m.delete(OutboxEntity, { dispatchedAt: LessThan(before), publishedAt: Not(IsNull()) }),
    );
    return result.affected ?? 0;
  }

  /** The backlog of one destination: rows it has not received yet. */
  async stats(destination: OutboxDestination): Promise<OutboxStats> {
    const row = await this.repo
      .createQueryBuilder('o')
      .select('COUNT(*)', 'pending')
      .addSelect('MIN(o.createdAt)', 'oldest')
      .where(`o.${DELIVERY_COLUMNS[destination].deliveredAt} IS NULL`)
      .getRawOne<{ pending: string | number; oldest: string | Date | null }>();
    const oldest = row?.oldest ?? null;
    return {
      pending: Number(row?.pending ?? 0),
      oldestPendingAt: oldest === null ? null : utcDate(oldest),
    };
  }
}
