import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ItemTagEntity } from './item-tag.entity';
import { ItemEntity } from './item.entity';
import { ItemsReadService } from './items-read.service';
import { ItemsRepository } from './items.repository';

/**
 * Items as other modules read them (ItemsReadService), without the HTTP routes, the cache or the
 * outbox: the worker process indexes items but serves none. Only the read service is exported:
 * the repository (and the entity behind it) stays inside items/.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ItemEntity, ItemTagEntity])],
  providers: [ItemsRepository, ItemsReadService],
  exports: [ItemsReadService],
})
export class ItemsReadModule {}
