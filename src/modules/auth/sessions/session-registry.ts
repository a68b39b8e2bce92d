import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import { AppCache } from '../../../cache/app-cache.service';
import type { AppConfig } from '../../../config/configuration';
import type { ClientInfo } from './client-info';
import type { SessionDto } from './session.dto';
import { SessionEntity } from './session.entity';
import { toSessionDto } from './session.mapper';
import { SessionsRepository } from './sessions.repository';

/** Cached per session: whose it is and whether it is still live (an ended session stays ended). */
interface SessionState {
  userId: string;
  live: boolean;
}

const sessionKey = (id: string): string => `session:${id}`;

/**
 * The session rows behind refresh-token families: device details, last use, and whether a session
 * is live. That last answer is read for every request bearing an access token with a `sid`, so it is
 * cached (AppCache: near cache in front of the store, invalidated across processes); ending a
 * session invalidates it once the ending transaction has committed.
 */
@Injectable()
export class SessionRegistry {
  private readonly cacheTtlMs: number;

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly cache: AppCache,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.cacheTtlMs = config.get('cache', { infer: true }).ttlSeconds * 1000;
  }

  async open(input: { id: string; userId: string; at: Date; client: ClientInfo }): Promise<void> {
    await this.sessions.insert(
      Object.assign(new SessionEntity(), {
        id: input.id,
        userId: input.userId,
        createdAt: input.at,
        lastUsedAt: input.at,
        ip: input.client.ip,
        userAgent: input.client.userAgent,
        endedAt: null,
      }),
    );
  }

  touch(id: string, at: Date, client: ClientInfo): Promise<void> {
    return this.sessions.touch(id, at, client);
  }

  /** Ends the session in the caller's transaction; call `forget` once it has committed. */
  endIn(m: EntityManager, id: string, at: Date): Promise<void> {
    return this.sessions.end(m, id, at);
  }

  /** Drops the cached state of ended sessions, here and (through the cache bus) everywhere. */
  async forget(id: string): Promise<void> {
    await this.cache.del(sessionKey(id));
  }

  /** Whether the session exists, belongs to the user and has not ended. */
  async isLive(id: string, userId: string): Promise<boolean> {
    const state = await this.cache.getOrLoad<SessionState>(
      sessionKey(id),
      this.cacheTtlMs,
      async () => {
        const session = await this.sessions.findById(id);
        return session ? { userId: session.userId, live: session.endedAt === null } : null;
      },
    );
    return state !== null && state.live && state.userId === userId;
  }

  /** The user's session `id` if it is live, else null (someone else's is null too). */
  async findLiveOf(userId: string, id: string): Promise<SessionEntity | null> {
    const session = await this.sessions.findById(id);
    return session && session.userId === userId && session.endedAt === null ? session : null;
  }

  /** The user's live sessions, newest first; those unused for longer than `idleMs` have expired. */
  async list(query: { userId: string; currentId?: string; idleMs: number }): Promise<SessionDto[]> {
    const rows = await this.sessions.liveOf(query.userId, new Date(Date.now() - query.idleMs));
    return rows.map((row) => toSessionDto(row, query.currentId));
  }
}
