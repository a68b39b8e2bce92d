import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, MoreThan, Repository } from 'typeorm';
import { AccountTokenEntity } from './account-token.entity';

@Injectable()
export class AccountTokensRepository {
  constructor(
    @InjectRepository(AccountTokenEntity) private readonly repo: Repository<AccountTokenEntity>,
  ) {}

  async insert(token: AccountTokenEntity): Promise<void> {
    await this.repo.insert(token);
  }

  findByHash(m: EntityManager, tokenHash: string): Promise<AccountTokenEntity | null> {
    return m.findOneBy(AccountTokenEntity, { tokenHash });
  }

  /**
   * Spends the token if it is still unused and unexpired, in one conditional UPDATE: of two
   * concurrent uses, exactly one sees an affected row. False when it was not (or no longer) usable.
   */
  async spendIfUsable(m: EntityManager, id: string, now: Date): Promise<boolean> {
    const result = await m.update(
      AccountTokenEntity,
      { id, usedAt: IsNull(), expiresAt: MoreThan(now) },
      { usedAt: now },
    );
    return (result.affected ?? 0) === 1;
  }

  /** Spends every other unused token of this purpose (a reset link is void once one is used). */
  async spendOthers(
    m: EntityManager,
    token: { userId: string; purpose: AccountTokenEntity['purpose']; id: string },
    now: Date,
  ): Promise<void> {
    await m
      .createQueryBuilder()
      .update(AccountTokenEntity)
      .set({ usedAt: now })
      .where('user_id = :userId AND purpose = :purpose AND used_at IS NULL AND id <> :id', token)
      .execute();
  }
}
