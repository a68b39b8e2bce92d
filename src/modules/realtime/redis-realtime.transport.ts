import { Injectable } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-adapter';
import { Emitter } from '@socket.io/redis-emitter';
import { RedisConnections } from '../../infrastructure/redis/redis-connections';
import { REALTIME_NAMESPACE } from './realtime.contract';
import {
  RealtimeTransport,
  type RealtimeBroadcaster,
  type SocketAdapter,
} from './realtime-transport';

/**
 * The full-stack profile: socket.io's Redis adapter (API processes) and the Redis emitter (the
 * worker) on one channel key, so a broadcast from any process reaches every API process's sockets.
 * Its connections queue commands while Redis is away: the adapter neither awaits nor catches them.
 */
@Injectable()
export class RedisRealtimeTransport implements RealtimeTransport {
  private readonly key: string;

  constructor(private readonly redis: RedisConnections) {
    this.key = `${redis.keyPrefix}socket.io`;
  }

  adapter(): SocketAdapter | null {
    return createAdapter(this.redis.client('socket-pub'), this.redis.client('socket-sub'), {
      key: this.key,
    });
  }

  emitter(): RealtimeBroadcaster | null {
    return new Emitter(this.redis.client('socket-pub'), { key: this.key }).of(REALTIME_NAMESPACE);
  }
}
