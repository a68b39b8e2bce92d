import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../users/user.entity';

/** A user's TOTP enrolment: pending until confirmed with a code (enabledAt), then on. */
@Entity('two_factor')
export class TwoFactorEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  userId!: string;

  @OneToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_two_factor_user' })
  user?: UserEntity;

  /** The base32 TOTP secret, encrypted (AES-256-GCM, TWO_FACTOR_KEY): see secret-box.ts. */
  @Column({ type: 'varchar', length: 255 })
  secret!: string;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  enabledAt!: Date | null;

  /** The last TOTP time step accepted: a code of that step or an earlier one is refused. */
  @Column({ type: 'integer', nullable: true })
  lastStep!: number | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt!: Date;
}
