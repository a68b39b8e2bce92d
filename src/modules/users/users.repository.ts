import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { cursorField, decodeCursor, encodeCursor, Page } from '../../common/pagination/cursor';
import { UserEntity } from './user.entity';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>) {}

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

  /** Inserts the user in the caller's transaction; a taken email fails it (a unique violation). */
  async insert(m: EntityManager, user: UserEntity): Promise<void> {
    await m.insert(UserEntity, user);
  }

  /**
   * The user, read in the caller's transaction and, on MySQL, locked until it ends: its version
   * and events follow the order of the writes. (SQLite runs one transaction at a time already.)
   */
  findForUpdate(m: EntityManager, id: string): Promise<UserEntity | null> {
    const locks = m.connection.options.type !== 'better-sqlite3';
    return m.findOne(UserEntity, {
      where: { id },
      ...(locks ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  save(m: EntityManager, user: UserEntity): Promise<UserEntity> {
    return m.save(UserEntity, user);
  }

  async delete(m: EntityManager, id: string): Promise<void> {
    await m.delete(UserEntity, { id });
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
