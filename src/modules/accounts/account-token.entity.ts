import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import type { AccountTokenPurpose } from './account-token-purpose';

/**
 * One single-use token mailed as a link (verify email, reset password, change email). The token
 * itself is never stored, only its SHA-256; `usedAt` is set by the conditional update that spends it.
 */
@Entity('account_tokens')
@Index('UQ_account_tokens_token_hash', ['tokenHash'], { unique: true })
@Index('IDX_account_tokens_user', ['userId'])
export class AccountTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  purpose!: AccountTokenPurpose;

  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_account_tokens_user' })
  user?: UserEntity;

  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  /** email-change only: the address the account moves to once confirmed. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  newEmail!: string | null;

  @Column({ type: 'datetime', precision: 3 })
  expiresAt!: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  usedAt!: Date | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt!: Date;
}
