import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A domain event written in the same transaction as the change it describes, and dispatched after
 * commit by the relay. One row per (aggregate, version): an aggregate's events are dispatched in
 * version order. Each destination tracks its delivery on its own columns (outbox-destination.ts):
 * `dispatched*`/`attempts`/`lease*` for the in-app handlers, `publish*` for RabbitMQ.
 */
@Entity('outbox')
@Index('UQ_outbox_aggregate_version', ['aggregateId', 'version'], { unique: true })
@Index('IDX_outbox_pending', ['dispatchedAt', 'createdAt'])
@Index('IDX_outbox_unpublished', ['publishedAt', 'createdAt'])
export class OutboxEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  eventType!: string;

  @Column({ type: 'varchar', length: 36 })
  aggregateId!: string;

  @Column({ type: 'integer' })
  version!: number;

  /** JSON; mediumtext on MySQL (see the migration), text on SQLite. */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  dispatchedAt!: Date | null;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ type: 'datetime', precision: 3 })
  nextAttemptAt!: Date;

  @Column({ type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  /** A relay that claimed the row holds it until this time; another relay may take it after. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  leaseOwner!: string | null;

  /** Set when the broker confirmed the message (or at commit when no broker is configured). */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  publishedAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  publishAttempts!: number;

  /** Null: due now. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  publishNextAttemptAt!: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  publishLastError!: string | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  publishLeaseUntil!: Date | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  publishLeaseOwner!: string | null;
}
