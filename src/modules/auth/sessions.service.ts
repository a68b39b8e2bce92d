import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AuthUser } from '../../common/auth/role';
import type { AppConfig } from '../../config/configuration';
import type { EntityManager } from 'typeorm';
import { TransactionRunner } from '../../database/transaction-runner';
import { OutboxRepository } from '../outbox/outbox.repository';
import type { AccountSessionsEndReason, SessionsCutOff } from '../users/sessions-cut-off';
import { UsersService } from '../users/users.service';
import { RefreshTokenInvalid, SessionNotFound } from './auth.exceptions';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import type { SessionEndReason, SessionRevokedPayload } from './session.events';
import type { ClientInfo } from './sessions/client-info';
import type { SessionDto } from './sessions/session.dto';
import { SessionRegistry } from './sessions/session-registry';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

const SECOND_MS = 1000;

/** When a token was issued (epoch ms) and the resolution it records that in (ms). */
interface IssueTime {
  atMs: number;
  inMs: number;
}

/** A rotated session: who it belongs to and the refresh token that replaces the presented one. */
export interface RotatedSession {
  user: AuthUser;
  sessionId: string;
  refreshToken: string;
}

/** A session just opened or refreshed: its id (the family, the access token's `sid`) and token. */
export interface IssuedSession {
  sessionId: string;
  refreshToken: string;
}

/**
 * Sessions: one family of refresh tokens per sign-in (rotation, reuse detection, revocation) and
 * the per-user cut-off before which every access and refresh token is refused (logout-all,
 * password change). What counts as a live session is decided here and nowhere else.
 */
@Injectable()
export class SessionsService implements SessionsCutOff {
  private readonly logger = new Logger(SessionsService.name);
  private readonly refreshTtlMs: number;

  constructor(
    private readonly users: UsersService,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly tx: TransactionRunner,
    private readonly outbox: OutboxRepository,
    private readonly registry: SessionRegistry,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.refreshTtlMs = config.get('auth', { infer: true }).refreshTtlSeconds * 1000;
    users.attachSessions(this);
  }

  /** Opens a session for a user who just proved who they are; returns its first refresh token. */
  async start(userId: string, client: ClientInfo): Promise<IssuedSession> {
    const sessionId = randomUUID();
    await this.registry.open({ id: sessionId, userId, at: new Date(), client });
    return { sessionId, refreshToken: await this.issue(userId, sessionId) };
  }

  /**
   * Rotates a refresh token. A token that was already used or revoked is a sign of theft: the whole
   * family (every token descended from that sign-in) is revoked and the caller must sign in again.
   */
  async rotate(presented: string, client: ClientInfo): Promise<RotatedSession> {
    const token = await this.refreshTokens.findByHash(sha256(presented));
    const now = new Date();
    if (!token) throw new RefreshTokenInvalid();
    if (token.usedAt || token.revokedAt) {
      await this.endFamily(token, 'reuse-detected', now);
      this.logger.warn({
        event: 'auth.refresh.reuse',
        userId: token.userId,
        familyId: token.familyId,
      });
      throw new RefreshTokenInvalid();
    }
    if (token.expiresAt.getTime() <= now.getTime()) throw new RefreshTokenInvalid();

    const user = await this.liveUser(token.userId, { atMs: token.createdAt.getTime(), inMs: 1 });
    if (!user) {
      await this.endFamily(token, 'account-unavailable', now);
      throw new RefreshTokenInvalid();
    }
    if (!(await this.refreshTokens.markUsedIfFresh(token.id, now))) {
      // Lost a race with another refresh of the same token: that is reuse too.
      await this.endFamily(token, 'reuse-detected', now);
      throw new RefreshTokenInvalid();
    }
    await this.registry.touch(token.familyId, now, client);
    return {
      user,
      sessionId: token.familyId,
      refreshToken: await this.issue(user.id, token.familyId),
    };
  }

  /** Ends the session the refresh token belongs to. Unknown tokens are ignored (idempotent). */
  async end(presented: string): Promise<void> {
    const token = await this.refreshTokens.findByHash(sha256(presented));
    if (token) await this.endFamily(token, 'logout', new Date());
  }

  /** The user's live sessions, newest first, `currentId` marked. */
  list(userId: string, currentId: string | undefined): Promise<SessionDto[]> {
    return this.registry.list({ userId, currentId, idleMs: this.refreshTtlMs });
  }

  /**
   * Ends one of the user's own sessions: its refresh tokens are revoked and its access tokens
   * refused from now on. Someone else's session, an ended one or an unknown id: session_not_found.
   */
  async endOwn(userId: string, sessionId: string): Promise<void> {
    const session = await this.registry.findLiveOf(userId, sessionId);
    if (!session) throw new SessionNotFound();
    await this.endFamily({ familyId: session.id, userId }, 'session-deleted', new Date());
  }

  /**
   * Ends every session: refresh tokens are revoked and access tokens issued so far are refused, in
   * the account's transaction (which calls endAllIn back).
   */
  endAll(userId: string): Promise<void> {
    return this.users.cutOffSessions(userId);
  }

  /** Revokes every open family of the user in the caller's transaction, one event per family. */
  async endAllIn(
    m: EntityManager,
    userId: string,
    at: Date,
    reason: AccountSessionsEndReason,
  ): Promise<void> {
    for (const familyId of await this.refreshTokens.openFamiliesOf(m, userId)) {
      await this.revokeFamilyIn(m, { familyId, userId }, reason, at);
    }
  }

  /**
   * The user an access token speaks for, given its subject and `iat` (epoch seconds): null when the
   * account is gone or deactivated, or its sessions were ended after the token was issued.
   */
  async userForAccessToken(
    userId: string,
    issuedAt: number,
    sessionId?: string,
  ): Promise<AuthUser | null> {
    // iat has one-second resolution: compare whole seconds, so a token issued just after the
    // cut-off, within the same second, is not refused.
    const user = await this.liveUser(userId, { atMs: issuedAt * SECOND_MS, inMs: SECOND_MS });
    // Tokens issued before they carried `sid` are checked against the cut-off only (they expire
    // within JWT_ACCESS_TTL of the upgrade).
    if (!user || sessionId === undefined) return user;
    if (!(await this.registry.isLive(sessionId, userId))) return null;
    return { ...user, sessionId };
  }

  /**
   * The user, if the account is active and something they were issued at `issued.atMs`, recorded
   * in whole `issued.inMs`, is not older than their sessions cut-off (compared at that resolution).
   */
  private async liveUser(userId: string, issued: IssueTime): Promise<AuthUser | null> {
    const account = await this.users.findActiveAccount(userId);
    if (!account) return null;
    const cutOff = account.sessionsValidAfter;
    if (cutOff !== null && issued.atMs < cutOff - (cutOff % issued.inMs)) return null;
    return account.user;
  }

  private async endFamily(
    family: { familyId: string; userId: string },
    reason: SessionEndReason,
    at: Date,
  ): Promise<void> {
    await this.tx.run((m) => this.revokeFamilyIn(m, family, reason, at));
    await this.registry.forget(family.familyId);
  }

  /**
   * Ends the family's session and revokes what is left of its tokens and, if anything was, records
   * its session.revoked event. Within endAllIn the cached session state is not dropped (the
   * caller's transaction commits later), but the cut-off it moves refuses the same tokens.
   */
  private async revokeFamilyIn(
    m: EntityManager,
    family: { familyId: string; userId: string },
    reason: SessionEndReason,
    at: Date,
  ): Promise<void> {
    await this.registry.endIn(m, family.familyId, at);
    if ((await this.refreshTokens.revokeFamily(m, family.familyId, at)) === 0) return;
    const version = await this.refreshTokens.countRevoked(m, family.familyId);
    const payload: SessionRevokedPayload = {
      familyId: family.familyId,
      userId: family.userId,
      reason,
    };
    await this.outbox.append(
      m,
      { type: 'session.revoked', aggregateId: family.familyId, version, payload },
      at,
    );
  }

  private async issue(userId: string, familyId: string): Promise<string> {
    const refreshToken = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.refreshTokens.insert(
      Object.assign(new RefreshTokenEntity(), {
        id: randomUUID(),
        userId,
        familyId,
        tokenHash: sha256(refreshToken),
        expiresAt: new Date(now.getTime() + this.refreshTtlMs),
        usedAt: null,
        revokedAt: null,
        createdAt: now,
      }),
    );
    return refreshToken;
  }
}
