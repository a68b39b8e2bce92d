import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { RefreshTokenEntity } from './refresh-token.entity';

@Injectable()
export class RefreshTokensRepository {
  constructor(
    @InjectRepository(RefreshTokenEntity) private readonly repo: Repository<RefreshTokenEntity>,
  ) {}

  findByHash(tokenHash: string): Promise<RefreshTokenEntity | null> {
    return this.repo.findOneBy({ tokenHash });
  }

  async insert(token: RefreshTokenEntity): Promise<void> {
    await this.repo.insert(token);
  }

  /**
   * Marks a token used if, and only if, nobody used or revoked it first. The conditional UPDATE is
   * what makes two concurrent refreshes with one token resolve to exactly one winner.
   */
  async markUsedIfFresh(id: string, at: Date): Promise<boolean> {
    const result = await this.repo.update(
      { id, usedAt: IsNull(), revokedAt: IsNull() },
      { usedAt: at },
    );
    return (result.affected ?? 0) === 1;
  }

  async revokeFamily(familyId: string, at: Date): Promise<void> {
    await this.repo.update({ familyId, revokedAt: IsNull() }, { revokedAt: at });
  }

  async revokeAllForUser(userId: string, at: Date): Promise<void> {
    await this.repo.update({ userId, revokedAt: IsNull() }, { revokedAt: at });
  }
}
