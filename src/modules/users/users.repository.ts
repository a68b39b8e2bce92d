import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { isUniqueViolation } from '../../database/query-errors';
import { TransactionRunner } from '../../database/transaction-runner';
import { cursorField, decodeCursor, encodeCursor, Page } from '../../common/pagination/cursor';
import { UserEntity } from './user.entity';

@Injectable()
export class UsersRepository {
  constructor(
    @InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>,
    private readonly tx: TransactionRunner,
  ) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /** The rows of `ids` that exist, in one statement. */
  findByIds(ids: string[]): Promise<UserEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.repo.findBy({ id: In(ids) });
  }

  findActiveById(id: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ id, isActive: true });
  }

  findByEmail(normalisedEmail: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ email: normalisedEmail });
  }

  countAdmins(): Promise<number> {
    return this.repo.countBy({ role: 'admin', isActive: true });
  }

  /** Inserts the user; false, with nothing written, when another account has the email. */
  async insertIfEmailFree(user: UserEntity): Promise<boolean> {
    try {
      await this.tx.run((m) => m.insert(UserEntity, user));
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  save(user: UserEntity): Promise<UserEntity> {
    return this.tx.run((m) => m.save(UserEntity, user));
  }

  async deleteById(id: string): Promise<boolean> {
    const result = await this.tx.run((m) => m.delete(UserEntity, { id }));
    return (result.affected ?? 0) > 0;
  }

  /** Keyset page ordered by (createdAt, id), oldest first: stable while rows are added. */
  async pageByCreatedAt(query: { limit: number; cursor?: string }): Promise<Page<UserEntity>> {
    const qb = this.repo
      .createQueryBuilder('u')
      .orderBy('u.createdAt', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .take(query.limit + 1);
    if (query.cursor) {
      const [createdAt, id] = decodeCursor(query.cursor, [cursorField.instant, cursorField.uuid]);
      const after = new Date(String(createdAt));
      qb.where('(u.createdAt > :after OR (u.createdAt = :after AND u.id > :id))', { after, id });
    }
    const rows = await qb.getMany();
    const data = rows.slice(0, query.limit);
    const last = data[data.length - 1];
    const nextCursor =
      rows.length > query.limit && last
        ? encodeCursor([last.createdAt.toISOString(), last.id])
        : null;
    return { data, nextCursor };
  }
}
