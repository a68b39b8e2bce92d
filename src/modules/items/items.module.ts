import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxModule } from '../outbox/outbox.module';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { ItemCache } from './item-cache';
import { ItemTagEntity } from './item-tag.entity';
import { ItemEntity } from './item.entity';
import { ItemsController } from './items.controller';
import { ItemsReadModule } from './items-read.module';
import { ItemsRepository } from './items.repository';
import { ItemsService } from './items.service';
import { ItemsResolver } from './graphql/items.resolver';
import { UserItemsResolver } from './graphql/user-items.resolver';

/** /items, and what other modules may use of items: ItemsService and ItemsReadService. */
@Module({
  imports: [
    TypeOrmModule.forFeature([ItemEntity, ItemTagEntity, IdempotencyKeyEntity]),
    ItemsReadModule,
    OutboxModule,
  ],
  controllers: [ItemsController],
  providers: [
    ItemsRepository,
    IdempotencyKeysRepository,
    ItemCache,
    ItemsService,
    ItemsResolver,
    UserItemsResolver,
  ],
  exports: [ItemsService, ItemsReadModule],
})
export class ItemsModule {}
