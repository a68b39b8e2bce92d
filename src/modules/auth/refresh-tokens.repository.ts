import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
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

  async revokeFamily(familyId: string, at: Date): Promise<void> {
    await this.tx.run((m) =>
      m.update(RefreshTokenEntity, { familyId, revokedAt: IsNull() }, { revokedAt: at }),
    );
  }

  async revokeAllForUser(userId: string, at: Date): Promise<void> {
    await this.tx.run((m) =>
      m.update(RefreshTokenEntity, { userId, revokedAt: IsNull() }, { revokedAt: at }),
    );
  }
}
