import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../users/user.entity';

/**
 * One single-use recovery code, stored as its SHA-256 only: the codes are 50 random bits each, so
 * a slow password hash would add nothing but latency.
 */
@Entity('two_factor_recovery_codes')
@Index('IDX_two_factor_recovery_codes_user', ['userId'])
export class RecoveryCodeEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_two_factor_recovery_codes_user' })
  user?: UserEntity;

  @Column({ type: 'varchar', length: 64 })
  codeHash!: string;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  usedAt!: Date | null;
}
