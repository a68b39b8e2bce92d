import type { Server } from 'socket.io';

/** A broadcast being addressed: the rooms it goes to, minus the rooms it skips. */
export interface RealtimeBroadcast {
  except(rooms: string | string[]): RealtimeBroadcast;
  emit(event: string, message: unknown): unknown;
  /** Disconnects the addressed sockets, on every process (socket.io's adapter / emitter). */
  disconnectSockets(close?: boolean): void;
}

/** What fan-out emits through: socket.io's namespace (API) or the Redis emitter (worker). */
export interface RealtimeBroadcaster {
  to(rooms: string | string[]): RealtimeBroadcast;
}

export type SocketAdapter = NonNullable<Parameters<Server['adapter']>[0]>;

/**
 * Port: how broadcasts reach sockets beyond this process. The profile binds it
 * (profile.providers.ts): nothing beyond this process (embedded), or Redis, where the socket.io
 * adapter lets several API processes broadcast together and the emitter lets a worker broadcast
 * without a socket.io server. An abstract class: the injection token and the interface at once.
 */
export abstract class RealtimeTransport {
  /** The socket.io adapter for every namespace; null keeps socket.io's in-process adapter. */
  abstract adapter(): SocketAdapter | null;
  /** Where a process without a socket.io server broadcasts; null when nothing would hear it. */
  abstract emitter(): RealtimeBroadcaster | null;
}
