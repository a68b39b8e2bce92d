import { Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';

/** The /realtime namespace, handed over by the gateway once socket.io has created it. */
@Injectable()
export class RealtimeServer {
  namespace: Namespace | null = null;

  /** Sockets connected to /realtime on this process (0 before socket.io has started). */
  connectionCount(): number {
    return this.namespace?.sockets.size ?? 0;
  }
}
