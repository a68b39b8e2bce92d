import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../users/user.entity';

/**
 * One sign-in (a refresh-token family): what a user sees in their list of signed-in devices. Its
 * id is the family id, carried by access tokens as `sid`. A row of its own rather than columns on
 * refresh_tokens: the device details belong to the sign-in, not to each rotated token, and listing
 * needs one row per session without grouping the token history.
 */
@Entity('sessions')
@Index('IDX_sessions_user_created', ['userId', 'createdAt'])
export class SessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_sessions_user' })
  user?: UserEntity;

  @Column({ type: 'datetime', precision: 3 })
  createdAt!: Date;

  /** The last sign-in or refresh (rotation) of the session. */
  @Column({ type: 'datetime', precision: 3 })
  lastUsedAt!: Date;

  /** Of the last sign-in or refresh request (Express's req.ip: TRUST_PROXY applies). */
  @Column({ type: 'varchar', length: 45, nullable: true })
  ip!: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  /** When the session ended (logout, deleted, reuse detected, ...); null while live. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  endedAt!: Date | null;
}
