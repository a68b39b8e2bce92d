import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, In, IsNull, LessThan, Repository } from 'typeorm';
import { TransactionRunner } from '../../database/transaction-runner';
import { OutboxEntity } from './outbox.entity';
import { NewOutboxEvent } from './outbox.event';

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
  ) {}

  /** Appends an event inside the caller's transaction. */
  async append(manager: EntityManager, event: NewOutboxEvent, at: Date): Promise<void> {
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
    });
  }

  /**
   * Claims up to `limit` due rows for one relay. Only the oldest pending version of each aggregate is
   * eligible, so an aggregate's events go out in order even across retries and relays; the lease
   * lets another process take over rows whose relay died.
   */
  async claim(owner: string, now: Date, leaseMs: number, limit: number): Promise<OutboxEntity[]> {
    const candidates = await this.repo
      .createQueryBuilder('o')
      .select('o.id', 'id')
      .where('o.dispatchedAt IS NULL')
      .andWhere('o.nextAttemptAt <= :now', { now })
      .andWhere('(o.leaseUntil IS NULL OR o.leaseUntil < :now)', { now })
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM outbox p WHERE p.aggregate_id = o.aggregate_id
           AND p.dispatched_at IS NULL AND p.version < o.version)`,
      )
      .orderBy('o.createdAt', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .limit(limit)
      .getRawMany<{ id: string }>();
    if (candidates.length === 0) return [];
    const ids = candidates.map((c) => c.id);
    const until = new Date(now.getTime() + leaseMs);
    await this.tx.run((m) =>
      m
        .createQueryBuilder()
        .update(OutboxEntity)
        .set({ leaseOwner: owner, leaseUntil: until })
        .where({ id: In(ids), dispatchedAt: IsNull() })
        .andWhere('(lease_until IS NULL OR lease_until < :now)', { now })
        .execute(),
    );
    return this.repo.find({
      where: { id: In(ids), leaseOwner: owner, leaseUntil: until },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async markDispatched(owner: string, ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.tx.run((m) =>
      m.update(
        OutboxEntity,
        { id: In(ids), leaseOwner: owner },
        { dispatchedAt: at, leaseOwner: null, leaseUntil: null },
      ),
    );
  }

  async markFailed(
    owner: string,
    row: Pick<OutboxEntity, 'id' | 'attempts'>,
    retryAt: Date,
    error: string,
  ): Promise<void> {
    await this.tx.run((m) =>
      m.update(
        OutboxEntity,
        { id: row.id, leaseOwner: owner },
        {
          attempts: row.attempts + 1,
          nextAttemptAt: retryAt,
          lastError: error.slice(0, 500),
          leaseOwner: null,
          leaseUntil: null,
        },
      ),
    );
  }

  async pruneDispatchedBefore(before: Date): Promise<number> {
    const result = await this.tx.run((m) =>
      m.delete(OutboxEntity, { dispatchedAt: LessThan(before) }),
    );
    return result.affected ?? 0;
  }

  async stats(): Promise<OutboxStats> {
    const row = await this.repo
      .createQueryBuilder('o')
      .select('COUNT(*)', 'pending')
      .addSelect('MIN(o.createdAt)', 'oldest')
      .where('o.dispatchedAt IS NULL')
      .getRawOne<{ pending: string | number; oldest: string | Date | null }>();
    const oldest = row?.oldest ?? null;
    return {
      pending: Number(row?.pending ?? 0),
      oldestPendingAt: oldest === null ? null : utcDate(oldest),
    };
  }
}
