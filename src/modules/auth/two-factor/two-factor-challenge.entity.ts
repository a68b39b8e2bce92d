import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../users/user.entity';

/**
 * The second step of a sign-in with two-factor on: issued by login after the password, spent by the
 * one verify that succeeds. Stored as its SHA-256 only, like refresh tokens.
 */
@Entity('two_factor_challenges')
@Index('UQ_two_factor_challenges_hash', ['challengeHash'], { unique: true })
@Index('IDX_two_factor_challenges_user', ['userId'])
export class TwoFactorChallengeEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_two_factor_challenges_user' })
  user?: UserEntity;

  @Column({ type: 'varchar', length: 64 })
  challengeHash!: string;

  @Column({ type: 'datetime', precision: 3 })
  expiresAt!: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  usedAt!: Date | null;
}
