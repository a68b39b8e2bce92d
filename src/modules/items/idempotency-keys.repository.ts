import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThan, Repository } from 'typeorm';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

@Injectable()
export class IdempotencyKeysRepository {
  constructor(
    @InjectRepository(IdempotencyKeyEntity) private readonly repo: Repository<IdempotencyKeyEntity>,
  ) {}

  find(
    userId: string,
    scope: string,
    idempotencyKey: string,
  ): Promise<IdempotencyKeyEntity | null> {
    return this.repo.findOneBy({ userId, scope, idempotencyKey });
  }

  /** Inserted first in the transaction it guards: a concurrent duplicate fails on the primary key. */
  async insert(manager: EntityManager, row: IdempotencyKeyEntity): Promise<void> {
    await manager.insert(IdempotencyKeyEntity, row);
  }

  async deleteCreatedBefore(manager: EntityManager, before: Date): Promise<void> {
    await manager.delete(IdempotencyKeyEntity, { createdAt: LessThan(before) });
  }
}
