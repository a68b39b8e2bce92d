import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AuthUser } from '../../common/auth/role';
import { PeriodicTask } from '../../common/scheduling/periodic-task';
import type { AppConfig } from '../../config/configuration';
import { AccessTokenVerifier } from '../auth/access-token-verifier';
import { type AuthRevokedMessage, rooms, SERVER_EVENTS } from './realtime.contract';
import { RealtimeServer } from './realtime-server';
import type { RealtimeSocket } from './realtime-socket';

const MAX_TIMER_MS = 2_147_483_647;

/**
 * Keeps each socket's authentication current: `auth:expired` when its token expires, disconnect
 * after the grace period unless `auth:refresh` arrives, and a periodic re-check of connected users
 * so that a deactivated (or signed-out-everywhere) user is disconnected and a role change moves the
 * socket in or out of the admins room.
 */
@Injectable()
export class RealtimeSessions implements OnModuleDestroy {
  private readonly logger = new Logger(RealtimeSessions.name);
  private readonly graceMs: number;
  private readonly checkMs: number;
  private readonly check = new PeriodicTask(() => this.checkAll(), {
    logger: this.logger,
    failureEvent: 'realtime.session_check_failed',
  });

  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly server: RealtimeServer,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    const settings = config.get('realtime', { infer: true });
    this.graceMs = settings.authGraceMs;
    this.checkMs = settings.sessionCheckMs;
  }

  /** Starts the periodic re-check (once socket.io has created the namespace). */
  start(): void {
    this.check.start(this.checkMs);
  }

  async onModuleDestroy(): Promise<void> {
    await this.check.stop();
  }

  /** Joins the socket's user rooms and arms its expiry timer. */
  attach(socket: RealtimeSocket): void {
    this.syncRooms(socket, socket.data.user);
    this.armExpiry(socket);
  }

  /** A newer token for the same user: re-arm the timers. */
  refresh(
    socket: RealtimeSocket,
    next: { user: AuthUser; issuedAt: number; expiresAt: number },
  ): void {
    this.syncRooms(socket, next.user);
    Object.assign(socket.data, next);
    this.armExpiry(socket);
  }

  detach(socket: RealtimeSocket): void {
    clearTimeout(socket.data.expiryTimer);
    clearTimeout(socket.data.graceTimer);
  }

  private armExpiry(socket: RealtimeSocket): void {
    this.detach(socket);
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, socket.data.expiresAt * 1000 - Date.now()));
    const timer = setTimeout(() => {
      socket.emit(SERVER_EVENTS.authExpired, {
        expiredAt: new Date(socket.data.expiresAt * 1000).toISOString(),
        graceMs: this.graceMs,
      });
      socket.data.graceTimer = setTimeout(() => socket.disconnect(true), this.graceMs);
      socket.data.graceTimer.unref();
    }, delay);
    timer.unref();
    socket.data.expiryTimer = timer;
  }

  private syncRooms(socket: RealtimeSocket, user: AuthUser): void {
    void socket.join(rooms.user(user.id));
    // The session room lets SessionRealtimeHandler disconnect this socket when its session ends.
    const previous = (socket.data.user as AuthUser | undefined)?.sessionId;
    if (previous && previous !== user.sessionId) void socket.leave(rooms.session(previous));
    if (user.sessionId) void socket.join(rooms.session(user.sessionId));
    if (user.role === 'admin') void socket.join(rooms.admins);
    else void socket.leave(rooms.admins);
    socket.data.user = user;
  }

  /** One pass over this process's sockets; one user lookup per user (it is cached). */
  private async checkAll(): Promise<void> {
    const ns = this.server.namespace;
    if (!ns) return;
    const byUser = new Map<string, RealtimeSocket[]>();
    for (const socket of ns.sockets.values() as IterableIterator<RealtimeSocket>) {
      if (!socket.data.user) continue;
      const list = byUser.get(socket.data.user.id) ?? [];
      list.push(socket);
      byUser.set(socket.data.user.id, list);
    }
    for (const sockets of byUser.values()) {
      for (const socket of sockets) {
        const user = await this.verifier.recheck(socket.data.user, socket.data.issuedAt);
        if (!user) {
          const revoked: AuthRevokedMessage = { reason: 'unauthorized' };
          socket.emit(SERVER_EVENTS.authRevoked, revoked);
          socket.disconnect(true);
        } else if (user.role !== socket.data.user.role) {
          this.syncRooms(socket, user);
        }
      }
    }
  }
}
