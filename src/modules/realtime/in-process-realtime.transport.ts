import { Injectable } from '@nestjs/common';
import {
  RealtimeTransport,
  type RealtimeBroadcaster,
  type SocketAdapter,
} from './realtime-transport';

/** The embedded profile: one process, whose socket.io server reaches every socket. */
@Injectable()
export class InProcessRealtimeTransport implements RealtimeTransport {
  adapter(): SocketAdapter | null {
    return null;
  }

  emitter(): RealtimeBroadcaster | null {
    return null;
  }
}
