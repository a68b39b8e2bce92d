import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';

/** The first answer to a request sent with an Idempotency-Key, replayed for retries of it. */
@Entity('idempotency_keys')
@Index('IDX_idempotency_keys_created', ['createdAt'])
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  userId!: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  scope!: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  idempotencyKey!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_idempotency_keys_user' })
  user?: UserEntity;

  /** SHA-256 of the validated request body: the same key with another body is refused. */
  @Column({ type: 'varchar', length: 64 })
  requestHash!: string;

  @Column({ type: 'varchar', length: 36 })
  resourceId!: string;

  /** JSON of the first response; mediumtext on MySQL. */
  @Column({ type: 'text' })
  response!: string;

  @Column({ type: 'datetime', precision: 3 })
  createdAt!: Date;
}
