import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { TransactionRunner } from '../../database/transaction-runner';
import { RefreshTokenEntity } from './refresh-token.entity';

@Injectable()
export class RefreshTokensRepository {
  constructor(
    @InjectRepository(RefreshTokenEntity) private readonly repo: Repository<RefreshTokenEntity>,
    private readonly tx: TransactionRunner,
  ) {}

  findByHash(tokenHash: string): Promise<RefreshTokenEntity | null> {
    return this.repo.findOneBy({ tokenHash });
  }

  async insert(token: RefreshTokenEntity): Promise<void> {
    await this.tx.run((m) => m.insert(RefreshTokenEntity, token));
  }

  /**
   * Marks a token used if, and only if, nobody used or revoked it first. The conditional UPDATE is
   * what makes two concurrent refreshes with one token resolve to exactly one winner.
   */
  async markUsedIfFresh(id: string, at: Date): Promise<boolean> {
    const result = await this.tx.run((m) =>
      m.update(RefreshTokenEntity, { id, usedAt: IsNull(), revokedAt: IsNull() }, { usedAt: at }),
    );
    return (result.affected ?? 0) === 1;
  }

  /** Revokes the family's tokens not revoked yet, in the caller's transaction; how many it did. */
  async revokeFamily(m: EntityManager, familyId: string, at: Date): Promise<number> {
    const result = await m.update(
      RefreshTokenEntity,
      { familyId, revokedAt: IsNull() },
      { revokedAt: at },
    );
    return result.affected ?? 0;
  }

  /**
   * How many tokens of the family are revoked: grows with each revocation that revoked something,
   * so it versions the family's session.revoked events. Read with a lock on MySQL (the latest
   * committed rows, not the transaction's snapshot).
   */
  async countRevoked(m: EntityManager, familyId: string): Promise<number> {
    const qb = m
      .createQueryBuilder(RefreshTokenEntity, 't')
      .where('t.familyId = :familyId', { familyId })
      .andWhere('t.revokedAt IS NOT NULL');
    if (m.connection.options.type !== 'better-sqlite3') qb.setLock('pessimistic_write');
    return qb.getCount();
  }

  /** The families of the user that still have a token not revoked (live or used). */
  async openFamiliesOf(m: EntityManager, userId: string): Promise<string[]> {
    const rows = await m
      .createQueryBuilder(RefreshTokenEntity, 't')
      .select('t.familyId', 'familyId')
      .distinct(true)
      .where('t.userId = :userId', { userId })
      .andWhere('t.revokedAt IS NULL')
      .getRawMany<{ familyId: string }>();
    return rows.map((row) => row.familyId);
  }
}
