import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type WebSocket from 'ws';
import type { AuthUser } from '../../common/auth/role';
import { PeriodicTask } from '../../common/scheduling/periodic-task';
import type { AppConfig } from '../../config/configuration';
import { AccessTokenVerifier } from '../auth/access-token-verifier';
import { rooms, SESSION_ENDED_EVENT } from '../realtime/realtime.contract';
import { RoomBus } from '../realtime/room-bus';

/** Close codes a graphql-ws client sees when its token is refused, runs out or is revoked. */
export const WS_CLOSE = { tokenInvalid: 4401, tokenExpired: 4403 } as const;

const MAX_TIMER_MS = 2_147_483_647;

interface Connection {
  user: AuthUser;
  issuedAt: number;
  socket: WebSocket;
}

/**
 * The authentication of graphql-ws connections, as RealtimeSessions keeps socket.io's: the
 * connection_init token checked once (closed with 4401 token_invalid or 4403 token_expired), the
 * socket closed with 4403 token_expired when the token runs out, and a periodic re-check
 * (REALTIME_SESSION_CHECK_MS) that closes with 4401 the connections of a user who was deactivated,
 * signed out everywhere or whose role changed (their subscriptions' rooms depend on it). A session
 * that ends closes its connections at once with 4401 (SessionRealtimeHandler, over the RoomBus).
 */
@Injectable()
export class GraphqlWsSessions implements OnModuleDestroy {
  private readonly logger = new Logger(GraphqlWsSessions.name);
  private readonly connections = new Set<Connection>();
  private readonly check = new PeriodicTask(() => this.checkAll(), {
    logger: this.logger,
    failureEvent: 'graphql_ws.session_check_failed',
    failureLevel: 'warn',
  });

  private readonly stopListening: () => void;

  constructor(
    private readonly verifier: AccessTokenVerifier,
    bus: RoomBus,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.check.start(config.get('realtime', { infer: true }).sessionCheckMs);
    // A session ended (on any process): its connections close now, not at the next check.
    this.stopListening = bus.listen((message) => {
      if (message.event === SESSION_ENDED_EVENT) this.closeSessions(message.rooms);
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopListening();
    await this.check.stop();
  }

  private closeSessions(sessionRooms: string[]): void {
    for (const connection of [...this.connections]) {
      const sessionId = connection.user.sessionId;
      if (sessionId && sessionRooms.includes(rooms.session(sessionId))) {
        connection.socket.close(WS_CLOSE.tokenInvalid, 'token_invalid');
      }
    }
  }

  /** Accepts the connection (true) or closes it with the reason (false). */
  async accept(socket: WebSocket, authorization: unknown): Promise<boolean> {
    const check = await this.verifier.authenticate(authorization);
    if (!check.ok) {
      const expired = check.reason === 'token_expired';
      socket.close(
        expired ? WS_CLOSE.tokenExpired : WS_CLOSE.tokenInvalid,
        expired ? 'token_expired' : 'token_invalid',
      );
      return false;
    }
    const connection: Connection = { user: check.user, issuedAt: check.issuedAt, socket };
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, check.expiresAt * 1000 - Date.now()));
    const timer = setTimeout(() => socket.close(WS_CLOSE.tokenExpired, 'token_expired'), delay);
    timer.unref();
    this.connections.add(connection);
    socket.once('close', () => {
      clearTimeout(timer);
      this.connections.delete(connection);
    });
    return true;
  }

  private async checkAll(): Promise<void> {
    for (const connection of [...this.connections]) {
      const user = await this.verifier.recheck(connection.user, connection.issuedAt);
      if (!user || user.role !== connection.user.role) {
        connection.socket.close(WS_CLOSE.tokenInvalid, 'token_invalid');
      }
    }
  }
}
