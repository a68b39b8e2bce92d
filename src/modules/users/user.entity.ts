import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Role } from '../../common/auth/role';

@Entity('users')
@Index('UQ_users_email', ['email'], { unique: true })
@Index('IDX_users_created_at_id', ['createdAt', 'id'])
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Stored trimmed and lower-cased, so the unique index compares case-insensitively. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 100 })
  displayName!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  @Column({ type: 'boolean' })
  isActive!: boolean;

  /** Access and refresh tokens issued before this are refused (password change, logout-all). */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  sessionsValidAfter!: Date | null;

  /** Set when the user opens the link mailed to this address (see modules/accounts). */
  @Column({ type: 'boolean', default: false })
  emailVerified!: boolean;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  emailVerifiedAt!: Date | null;

  /** Raised by every change that emits a user event: its events' order (see user.events.ts). */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
