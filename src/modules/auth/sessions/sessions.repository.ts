import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, MoreThan, Repository } from 'typeorm';
import { TransactionRunner } from '../../../database/transaction-runner';
import type { ClientInfo } from './client-info';
import { SessionEntity } from './session.entity';

@Injectable()
export class SessionsRepository {
  constructor(
    @InjectRepository(SessionEntity) private readonly repo: Repository<SessionEntity>,
    private readonly tx: TransactionRunner,
  ) {}

  async insert(session: SessionEntity): Promise<void> {
    await this.tx.run((m) => m.insert(SessionEntity, session));
  }

  /** Records a refresh of a live session: when, and from where. */
  async touch(id: string, at: Date, client: ClientInfo): Promise<void> {
    await this.tx.run((m) =>
      m.update(
        SessionEntity,
        { id, endedAt: IsNull() },
        { lastUsedAt: at, ip: client.ip, userAgent: client.userAgent },
      ),
    );
  }

  /** Marks the session ended, in the caller's transaction (no-op if it already was). */
  async end(m: EntityManager, id: string, at: Date): Promise<void> {
    await m.update(SessionEntity, { id, endedAt: IsNull() }, { endedAt: at });
  }

  findById(id: string): Promise<SessionEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /** The user's sessions not ended and used since `usedSince` (older ones can no longer refresh). */
  liveOf(userId: string, usedSince: Date): Promise<SessionEntity[]> {
    return this.repo.find({
      where: { userId, endedAt: IsNull(), lastUsedAt: MoreThan(usedSince) },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }
}
