import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/role';
import { matchAllows } from '../../common/http/etag';
import { etagOf } from '../../common/http/etag';
import type { Page } from '../../common/pagination/cursor';
import { isUniqueViolation } from '../../database/query-errors';
import { TransactionRunner } from '../../database/transaction-runner';
import { OutboxRelay } from '../outbox/outbox.relay';
import { OutboxRepository } from '../outbox/outbox.repository';
import type { CreateItemDto } from './dto/create-item.dto';
import type { ItemDto } from './dto/item.dto';
import type { ListItemsQueryDto } from './dto/list-items-query.dto';
import type { UpdateItemDto } from './dto/update-item.dto';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { ItemCache } from './item-cache';
import { canChange, canRead } from './item-visibility';
import { ItemEntity, ItemStatus } from './item.entity';
import { ItemEventPayload, ItemEventType } from './item.events';
import {
  ConcurrentItemChange,
  EmptyItemChange,
  IdempotencyKeyReused,
  ItemNotDeleted,
  ItemNotFound,
  ItemNotOwned,
  StaleItemVersion,
} from './item.exceptions';
import { toItemDto } from './item.mapper';
import { itemCursor, ItemsRepository } from './items.repository';

const IDEMPOTENCY_SCOPE = 'items.create';
const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

export interface CreatedItem {
  item: ItemDto;
  /** true when this answer replays an earlier request with the same Idempotency-Key */
  replayed: boolean;
}

const hashOf = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * The rules of items: who may read and change what, optimistic concurrency, and the outbox event
 * written in the same transaction as every change.
 */
@Injectable()
export class ItemsService {
  private readonly logger = new Logger(ItemsService.name);

  constructor(
    private readonly items: ItemsRepository,
    private readonly idempotency: IdempotencyKeysRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    private readonly cache: ItemCache,
    private readonly tx: TransactionRunner,
  ) {}

  async create(
    viewer: AuthUser,
    input: CreateItemDto,
    idempotencyKey?: string,
  ): Promise<CreatedItem> {
    const now = new Date();
    const item = Object.assign(new ItemEntity(), {
      id: randomUUID(),
      ownerId: viewer.id,
      title: input.title,
      body: input.body ?? '',
      tags: input.tags ?? [],
      status: input.status ?? 'draft',
      version: 1,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    });
    const dto = toItemDto(item);
    const requestHash = hashOf({
      title: item.title,
      body: item.body,
      tags: item.tags,
      status: item.status,
    });

    try {
      await this.tx.run(async (m) => {
        if (idempotencyKey) {
          await this.idempotency.deleteCreatedBefore(
            m,
            new Date(now.getTime() - IDEMPOTENCY_TTL_MS),
          );
          await this.idempotency.insert(m, {
            userId: viewer.id,
            scope: IDEMPOTENCY_SCOPE,
            idempotencyKey,
            requestHash,
            resourceId: item.id,
            response: JSON.stringify(dto),
            createdAt: now,
          });
        }
        await this.items.insert(m, item);
        await this.appendEvent(m, 'item.created', item, null, now);
      });
    } catch (error) {
      if (!idempotencyKey || !isUniqueViolation(error)) throw error;
      return this.replay(viewer, idempotencyKey, requestHash);
    }
    this.relay.committed();
    this.logger.log({ event: 'item.created', itemId: item.id, ownerId: viewer.id });
    return { item: dto, replayed: false };
  }

  /** Reads one item through the cache; an item the viewer may not read does not exist for them. */
  async get(viewer: AuthUser, id: string): Promise<ItemDto> {
    const item = await this.cache.getOrLoad(id, async () => {
      const entity = await this.items.findLiveById(id);
      return entity ? toItemDto(entity) : null;
    });
    if (!item || !canRead(viewer, item)) throw new ItemNotFound();
    return item;
  }

  async list(viewer: AuthUser, query: ListItemsQueryDto): Promise<Page<ItemDto>> {
    const page = await this.items.pageVisible({ ...query, viewer });
    return { data: page.data.map(toItemDto), nextCursor: page.nextCursor };
  }

  /** list's page with the cursor after each item, for GraphQL's connection edges. */
  async listEdges(
    viewer: AuthUser,
    query: ListItemsQueryDto,
  ): Promise<Page<ItemDto> & { cursors: string[] }> {
    const page = await this.list(viewer, query);
    const cursors = page.data.map((item) => itemCursor(item, query.sort, query.order));
    return { ...page, cursors };
  }

  async update(
    viewer: AuthUser,
    id: string,
    change: UpdateItemDto,
    ifMatch?: string,
  ): Promise<ItemDto> {
    if (Object.values(change).every((v) => v === undefined)) throw new EmptyItemChange();
    const current = await this.loadForChange(viewer, id, ifMatch);
    const now = new Date();
    const next: ItemEntity = Object.assign(new ItemEntity(), current, {
      title: change.title ?? current.title,
      body: change.body ?? current.body,
      tags: change.tags ?? current.tags,
      status: change.status ?? current.status,
      version: current.version + 1,
      updatedAt: now,
    });

    await this.commitChange({
      current,
      next,
      event: 'item.updated',
      ifMatch,
      tagsChanged: change.tags !== undefined,
    });
    return toItemDto(next);
  }

  async remove(viewer: AuthUser, id: string, ifMatch?: string): Promise<void> {
    const current = await this.loadForChange(viewer, id, ifMatch);
    const now = new Date();
    const next: ItemEntity = Object.assign(new ItemEntity(), current, {
      version: current.version + 1,
      updatedAt: now,
      deletedAt: now,
    });
    await this.commitChange({ current, next, event: 'item.deleted', ifMatch });
  }

  async restore(viewer: AuthUser, id: string): Promise<ItemDto> {
    const current = await this.items.findAnyById(id);
    if (!current || !canChange(viewer, current)) throw new ItemNotFound();
    if (!current.deletedAt) throw new ItemNotDeleted();
    const now = new Date();
    const next: ItemEntity = Object.assign(new ItemEntity(), current, {
      version: current.version + 1,
      updatedAt: now,
      deletedAt: null,
    });
    await this.commitChange({ current, next, event: 'item.restored' });
    return toItemDto(next);
  }

  /**
   * The live item, if the viewer may change it and If-Match (when sent) names its current version.
   * Read from the database, not the cache: the version must be the committed one.
   */
  private async loadForChange(viewer: AuthUser, id: string, ifMatch?: string): Promise<ItemEntity> {
    const current = await this.items.findLiveById(id);
    if (!current || !canRead(viewer, current)) throw new ItemNotFound();
    if (!canChange(viewer, current)) throw new ItemNotOwned();
    if (!matchAllows(ifMatch, etagOf(current.id, current.version))) throw new StaleItemVersion();
    return current;
  }

  /**
   * Writes `next` if the row is still at `current.version`, with its outbox event, in one
   * transaction; then invalidates the cache and wakes the relay before the caller answers.
   */
  private async commitChange(change: {
    current: ItemEntity;
    next: ItemEntity;
    event: ItemEventType;
    ifMatch?: string;
    tagsChanged?: boolean;
  }): Promise<void> {
    const { current, next } = change;
    await this.tx.run(async (m) => {
      const applied = await this.items.updateIfVersion(m, next.id, current.version, {
        title: next.title,
        body: next.body,
        tags: next.tags,
        status: next.status,
        deletedAt: next.deletedAt,
        version: next.version,
        updatedAt: next.updatedAt,
      });
      if (!applied) {
        throw change.ifMatch === undefined ? new ConcurrentItemChange() : new StaleItemVersion();
      }
      if (change.tagsChanged) await this.items.replaceTags(m, next.id, next.tags);
      await this.appendEvent(m, change.event, next, current.status, next.updatedAt);
    });
    await this.afterChange(next.id);
  }

  private appendEvent(
    m: EntityManager,
    type: ItemEventType,
    item: ItemEntity,
    previousStatus: ItemStatus | null,
    at: Date,
  ): Promise<void> {
    const payload: ItemEventPayload = { item: toItemDto(item), previousStatus };
    return this.outbox.append(
      m,
      { type, aggregateId: item.id, version: item.version, payload },
      at,
    );
  }

  /** Runs after commit and before the response: the caller never reads its own write stale. */
  private async afterChange(id: string): Promise<void> {
    await this.cache.invalidate(id);
    this.relay.committed();
  }

  private async replay(viewer: AuthUser, key: string, requestHash: string): Promise<CreatedItem> {
    const first = await this.idempotency.find(viewer.id, IDEMPOTENCY_SCOPE, key);
    if (!first) throw new ConcurrentItemChange();
    if (first.requestHash !== requestHash) throw new IdempotencyKeyReused();
    return { item: JSON.parse(first.response) as ItemDto, replayed: true };
  }
}
