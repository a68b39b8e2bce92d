import { Inject, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import type { AppConfig } from '../../config/configuration';
import { AccessTokenVerifier } from '../auth/access-token-verifier';
import { ItemsService } from '../items/items.service';
import { AuthRefreshDto } from './dto/auth-refresh.dto';
import { ItemSubscriptionDto } from './dto/item-subscription.dto';
import { parsePayload } from './realtime-payload';
import { RealtimeServer } from './realtime-server';
import { RealtimeSessions } from './realtime-sessions';
import { RealtimeTransport } from './realtime-transport';
import { handshakeToken, RealtimeSocket } from './realtime-socket';
import {
  Ack,
  CLIENT_MESSAGES,
  ClientMessage,
  fail,
  OK,
  REALTIME_NAMESPACE,
  RealtimeErrorCode,
  rooms,
  SERVER_EVENTS,
} from './realtime.contract';
import { TokenBucket } from './token-bucket';

const KNOWN_MESSAGES = new Set<string>(CLIENT_MESSAGES);

/**
 * The body each message must have, checked before its handler runs, which receives the validated
 * instance (its @MessageBody type must be the class named here). Messages not listed take none.
 */
const PAYLOADS: Partial<Record<ClientMessage, new () => object>> = {
  'items:subscribe': ItemSubscriptionDto,
  'items:unsubscribe': ItemSubscriptionDto,
  'auth:refresh': AuthRefreshDto,
};

const isAck = (value: unknown): value is (answer: Ack) => void => typeof value === 'function';

/**
 * The /realtime namespace: handshake authentication, rooms and client messages. Every message is
 * acknowledged with `{ ok: true }` or `{ ok: false, error: { code, message } }`; no message, however
 * malformed, reaches an unhandled exception.
 */
@WebSocketGateway({ namespace: REALTIME_NAMESPACE })
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(RealtimeGateway.name);
  private readonly settings: AppConfig['realtime'];

  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly items: ItemsService,
    private readonly sessions: RealtimeSessions,
    private readonly server: RealtimeServer,
    private readonly transport: RealtimeTransport,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.settings = config.get('realtime', { infer: true });
  }

  afterInit(ns: Namespace): void {
    const adapter = this.transport.adapter();
    // Re-creates the adapter of every namespace already created, /realtime included.
    if (adapter) ns.server.adapter(adapter);
    ns.use((socket, next) => {
      this.authenticate(socket as RealtimeSocket).then(next, (error: unknown) => {
        this.logger.error({ event: 'realtime.handshake_failed', error: String(error) });
        next(this.handshakeError('unauthorized'));
      });
    });
    this.server.namespace = ns;
    this.sessions.start();
  }

  handleConnection(socket: RealtimeSocket): void {
    socket.use((packet, next) => this.admit(socket, packet, next));
    this.sessions.attach(socket);
    this.logger.debug({ event: 'realtime.connected', userId: socket.data.user.id });
  }

  handleDisconnect(socket: RealtimeSocket): void {
    if (socket.data.user) this.sessions.detach(socket);
  }

  @SubscribeMessage('items:subscribe')
  async subscribeItem(
    @ConnectedSocket() socket: RealtimeSocket,
    @MessageBody() { itemId }: ItemSubscriptionDto,
  ): Promise<Ack> {
    if (socket.data.items.has(itemId)) return OK;
    if (this.subscriptionCount(socket) >= this.settings.maxSubscriptions) {
      return this.tooMany();
    }
    try {
      await this.items.get(socket.data.user, itemId);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'not_found') {
        return fail('not_found', 'No item with this id exists.');
      }
      return this.internal(error);
    }
    // Checked again: another subscribe may have completed while the item was read.
    if (this.subscriptionCount(socket) >= this.settings.maxSubscriptions) return this.tooMany();
    socket.data.items.add(itemId);
    await socket.join(rooms.item(itemId));
    return OK;
  }

  @SubscribeMessage('items:unsubscribe')
  async unsubscribeItem(
    @ConnectedSocket() socket: RealtimeSocket,
    @MessageBody() { itemId }: ItemSubscriptionDto,
  ): Promise<Ack> {
    socket.data.items.delete(itemId);
    await socket.leave(rooms.item(itemId));
    return OK;
  }

  @SubscribeMessage('feed:subscribe')
  async subscribeFeed(@ConnectedSocket() socket: RealtimeSocket): Promise<Ack> {
    if (socket.data.feed) return OK;
    if (this.subscriptionCount(socket) >= this.settings.maxSubscriptions) return this.tooMany();
    socket.data.feed = true;
    await socket.join(rooms.feed);
    return OK;
  }

  @SubscribeMessage('feed:unsubscribe')
  async unsubscribeFeed(@ConnectedSocket() socket: RealtimeSocket): Promise<Ack> {
    socket.data.feed = false;
    await socket.leave(rooms.feed);
    return OK;
  }

  @SubscribeMessage('auth:refresh')
  async refresh(
    @ConnectedSocket() socket: RealtimeSocket,
    @MessageBody() { token }: AuthRefreshDto,
  ): Promise<Ack> {
    try {
      const check = await this.verifier.verify(token);
      if (!check.ok) return fail(check.reason, this.reasonMessage(check.reason));
      if (check.user.id !== socket.data.user.id) {
        return fail('unauthorized', 'The token belongs to another user.');
      }
      this.sessions.refresh(socket, check);
      return OK;
    } catch (error) {
      return this.internal(error);
    }
  }

  /**
   * The gate every client message passes before its handler: the socket's rate limit, a known
   * event, then a valid body, which replaces the raw one. A refused message is answered here.
   */
  private admit(socket: RealtimeSocket, packet: unknown[], next: (error?: Error) => void): void {
    const [event, ...args] = packet as [string, ...unknown[]];
    const last: unknown = args[args.length - 1];
    const ack = isAck(last) ? last : null;
    if (!socket.data.bucket.take()) {
      return this.reject(socket, event, ack, 'rate_limited', 'Too many messages; slow down.');
    }
    if (!KNOWN_MESSAGES.has(event)) {
      return this.reject(socket, event, ack, 'unknown_event', `Unknown event "${event}".`);
    }
    const type = PAYLOADS[event as ClientMessage];
    if (!type) return next();
    const body = ack ? args.slice(0, -1) : args;
    // As the handler would see it: one argument is the body; none or several are not an object.
    parsePayload(type, body.length === 1 ? body[0] : undefined).then(
      (parsed) => {
        if (!parsed.ok) return ack?.(fail('invalid_payload', parsed.message));
        packet[1] = parsed.value;
        next();
      },
      (error: unknown) => ack?.(this.internal(error)),
    );
  }

  private async authenticate(socket: RealtimeSocket): Promise<Error | undefined> {
    const token = handshakeToken(socket);
    if (!token) return this.handshakeError('unauthorized');
    const check = await this.verifier.verify(token);
    if (!check.ok) return this.handshakeError(check.reason);
    socket.data = {
      user: check.user,
      issuedAt: check.issuedAt,
      expiresAt: check.expiresAt,
      items: new Set(),
      feed: false,
      bucket: new TokenBucket(this.settings.rateLimit, this.settings.rateLimit),
    };
    return undefined;
  }

  private handshakeError(code: 'unauthorized' | 'token_expired'): Error {
    const error = new Error(code) as Error & { data: unknown };
    error.data = { code, message: this.reasonMessage(code) };
    return error;
  }

  private reasonMessage(code: 'unauthorized' | 'token_expired'): string {
    return code === 'token_expired'
      ? 'The access token has expired; refresh it and reconnect.'
      : 'A valid access token is required (auth.token or the Authorization header).';
  }

  private subscriptionCount(socket: RealtimeSocket): number {
    return socket.data.items.size + (socket.data.feed ? 1 : 0);
  }

  private tooMany(): Ack {
    return fail(
      'too_many_subscriptions',
      `At most ${this.settings.maxSubscriptions} subscriptions per connection.`,
    );
  }

  private internal(error: unknown): Ack {
    this.logger.error({ event: 'realtime.message_failed', error: (error as Error)?.message });
    return fail('internal', 'Something went wrong; try again.');
  }

  /** Answers a refused message through its ack, or with a realtime:error event when it has none. */
  private reject(
    socket: Socket,
    event: string,
    ack: ((answer: Ack) => void) | null,
    code: RealtimeErrorCode,
    message: string,
  ): void {
    const answer = fail(code, message);
    if (ack) ack(answer);
    else socket.emit(SERVER_EVENTS.error, { event, code, message });
  }
}
