import type { ItemDto } from '../items/dto/item.dto';
import type { ItemEventType } from '../items/item.events';

/** The socket.io namespace clients connect to. */
export const REALTIME_NAMESPACE = '/realtime';

/** Messages a client may send; anything else is answered with `unknown_event`. */
export const CLIENT_MESSAGES = [
  'items:subscribe',
  'items:unsubscribe',
  'feed:subscribe',
  'feed:unsubscribe',
  'auth:refresh',
] as const;
export type ClientMessage = (typeof CLIENT_MESSAGES)[number];

/** Events the server emits besides the item events. */
export const SERVER_EVENTS = {
  authExpired: 'auth:expired',
  authRevoked: 'auth:revoked',
  error: 'realtime:error',
  shutdown: 'server:shutdown',
} as const;

/** Sent to every socket of a process that is shutting down, just before its connection closes. */
export interface ShutdownMessage {
  reason: 'shutdown';
  /** socket.io-client reconnects by itself (to another process behind the load balancer). */
  reconnect: true;
}

export type RealtimeErrorCode =
  | 'unauthorized'
  | 'token_expired'
  | 'invalid_payload'
  | 'not_found'
  | 'unknown_event'
  | 'rate_limited'
  | 'too_many_subscriptions'
  | 'internal';

export interface RealtimeError {
  code: RealtimeErrorCode;
  message: string;
}

/** What every client message is acknowledged with. */
export type Ack = { ok: true } | { ok: false; error: RealtimeError };

export const OK: Ack = { ok: true };

export const fail = (code: RealtimeErrorCode, message: string): Ack => ({
  ok: false,
  error: { code, message },
});

/** Payload of item.created / item.updated / item.deleted / item.restored. */
export interface ItemEventMessage {
  item: ItemDto;
  version: number;
}

/**
 * `item.deleted` sent to feed and item subscribers who may no longer read an item because it was
 * unpublished: only the id, since the item's new content is not theirs to see.
 */
export interface ItemWithdrawnMessage {
  item: { id: string };
  version: number;
  reason: 'unpublished';
}

export type { ItemEventType };

export const rooms = {
  user: (id: string): string => `user:${id}`,
  item: (id: string): string => `item:${id}`,
  /** Every socket authenticated with a token of this session (sign-in), to end them together. */
  session: (id: string): string => `session:${id}`,
  admins: 'admins',
  feed: 'feed',
} as const;

/** The RoomBus message telling GraphQL subscriptions that a session ended. */
export const SESSION_ENDED_EVENT = 'session.ended';

/** `auth:revoked` payload: an account-wide check failed, or this socket's own session ended. */
export interface AuthRevokedMessage {
  reason: 'unauthorized' | 'session_ended';
}
