import { Injectable, Logger } from '@nestjs/common';
import { SESSION_EVENTS, type SessionEvent } from '../auth/session.events';
import { type DomainEventHandler, OnDomainEvent } from '../outbox/domain-event-handler';
import {
  type AuthRevokedMessage,
  rooms,
  SERVER_EVENTS,
  SESSION_ENDED_EVENT,
} from './realtime.contract';
import { RealtimeServer } from './realtime-server';
import { RoomBus } from './room-bus';

/**
 * Ends the live connections of a session as soon as it ends (session.revoked: deleted, logged out,
 * reuse detected, every session ended...), rather than at the next periodic check: its sockets,
 * on every process (the session room, through socket.io's adapter or the emitter), get
 * `auth:revoked` and are disconnected; GraphQL subscriptions hear it on the RoomBus and close.
 * Idempotent, so a redelivered event does no harm.
 */
@Injectable()
@OnDomainEvent(...SESSION_EVENTS)
export class SessionRealtimeHandler implements DomainEventHandler<SessionEvent['type']> {
  private readonly logger = new Logger(SessionRealtimeHandler.name);

  constructor(
    private readonly server: RealtimeServer,
    private readonly bus: RoomBus,
  ) {}

  handle(event: SessionEvent): Promise<void> {
    const room = rooms.session(event.payload.familyId);
    const ns = this.server.broadcaster();
    if (ns) {
      const revoked: AuthRevokedMessage = { reason: 'session_ended' };
      ns.to(room).emit(SERVER_EVENTS.authRevoked, revoked);
      ns.to(room).disconnectSockets(true);
    }
    this.bus.publish({ rooms: [room], except: [], event: SESSION_ENDED_EVENT, message: null });
    this.logger.debug({ event: 'realtime.session_ended', sessionId: event.payload.familyId });
    return Promise.resolve();
  }
}
