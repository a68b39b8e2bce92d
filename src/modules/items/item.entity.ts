import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import type { ItemStatus } from './item-status';

export { ITEM_STATUSES, type ItemStatus } from './item-status';

const tagsTransformer = {
  to: (tags: string[]): string => JSON.stringify(tags),
  from: (raw: string | null): string[] => (raw ? (JSON.parse(raw) as string[]) : []),
};

@Entity('items')
@Index('IDX_items_created', ['createdAt', 'id'])
@Index('IDX_items_updated', ['updatedAt', 'id'])
@Index('IDX_items_title', ['title', 'id'])
@Index('IDX_items_owner_created', ['ownerId', 'createdAt', 'id'])
@Index('IDX_items_status_created', ['status', 'createdAt', 'id'])
// FULLTEXT on MySQL/MariaDB for the database search driver (migration items-fulltext). SQLite
// searches through the FTS5 table items_fts instead and has no such indexes.
@Index('IDX_items_fulltext_title', ['title'], { fulltext: true })
@Index('IDX_items_fulltext', ['title', 'body'], { fulltext: true })
export class ItemEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  ownerId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'FK_items_owner' })
  owner?: UserEntity;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  /** mediumtext on MySQL (20,000 characters of utf8mb4 exceed TEXT's 64 KB), text on SQLite. */
  @Column({ type: 'text' })
  body!: string;

  /**
   * Denormalised JSON copy for one-query reads; item_tags holds the indexed rows used for filtering.
   * TEXT, not a bounded varchar: JSON escaping can make 20 valid tags several times longer.
   */
  @Column({ type: 'text', transformer: tagsTransformer })
  tags!: string[];

  @Column({ type: 'varchar', length: 16 })
  status!: ItemStatus;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  deletedAt!: Date | null;
}
