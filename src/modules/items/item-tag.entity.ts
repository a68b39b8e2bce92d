import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ItemEntity } from './item.entity';

/** One row per (item, tag): the index behind `GET /items?tag=`. */
@Entity('item_tags')
@Index('IDX_item_tags_tag', ['tag', 'itemId'])
export class ItemTagEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  itemId!: string;

  @PrimaryColumn({ type: 'varchar', length: 40 })
  tag!: string;

  @ManyToOne(() => ItemEntity, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'item_id', foreignKeyConstraintName: 'FK_item_tags_item' })
  item?: ItemEntity;
}
