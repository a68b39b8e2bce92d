import { Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { SERVER_EVENTS, type ShutdownMessage } from './realtime.contract';
import { RealtimeTransport, type RealtimeBroadcaster } from './realtime-transport';

/**
 * The /realtime namespace, handed over by the gateway once socket.io has created it. A process
 * without a socket.io server (the worker) broadcasts through the transport's emitter instead: the
 * API processes' Redis adapters deliver it to their sockets exactly as if one of them had emitted it.
 */
@Injectable()
export class RealtimeServer {
  namespace: Namespace | null = null;
  private readonly emitter: RealtimeBroadcaster | null;

  constructor(transport: RealtimeTransport) {
    this.emitter = transport.emitter();
  }

  /** Where broadcasts go from this process; null when there is nobody to reach (no server, no Redis). */
  broadcaster(): RealtimeBroadcaster | null {
    return this.namespace ?? this.emitter;
  }

  /** Sockets connected to /realtime on this process (0 before socket.io has started). */
  connectionCount(): number {
    return this.namespace?.sockets.size ?? 0;
  }

  /**
   * At shutdown: tells this process's sockets with `server:shutdown`, then closes their transport
   * (not a socket.io disconnect, which would stop socket.io-client from reconnecting), so clients
   * reconnect by themselves to another process. Resolves once every socket has gone.
   */
  async closeSockets(timeoutMs: number): Promise<number> {
    const ns = this.namespace;
    if (!ns) return 0;
    const sockets = [...ns.sockets.values()];
    const message: ShutdownMessage = { reason: 'shutdown', reconnect: true };
    const gone = sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.disconnected) return resolve();
          socket.once('disconnect', () => resolve());
          socket.emit(SERVER_EVENTS.shutdown, message);
          // Engine.io flushes what is buffered (the message above) before closing the transport.
          socket.conn.close();
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(gone),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    for (const socket of ns.sockets.values()) socket.disconnect(true);
    return sockets.length;
  }
}
