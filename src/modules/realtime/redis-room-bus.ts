import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { RedisConnections } from '../../infrastructure/redis/redis-connections';
import { RoomBus, type RoomMessage } from './room-bus';

/**
 * The full-stack profile: broadcasts go out on one Redis pub/sub channel and every API process
 * listens on it (the publisher included, so a process never delivers a broadcast twice).
 */
@Injectable()
export class RedisRoomBus implements RoomBus {
  private readonly logger = new Logger(RedisRoomBus.name);
  private readonly channel: string;
  private readonly local = new EventEmitter().setMaxListeners(0);
  private subscribed = false;

  constructor(private readonly redis: RedisConnections) {
    this.channel = `${redis.keyPrefix}room-bus`;
  }

  publish(message: RoomMessage): void {
    this.redis
      .client('socket-pub')
      .publish(this.channel, JSON.stringify(message))
      .catch((error: Error) =>
        this.logger.warn({ event: 'room_bus.publish_failed', error: error.message }),
      );
  }

  listen(listener: (message: RoomMessage) => void): () => void {
    if (!this.subscribed) {
      this.subscribed = true;
      const sub = this.redis.client('room-bus-sub');
      sub.on('message', (channel: string, text: string) => {
        if (channel === this.channel) this.local.emit('message', JSON.parse(text) as RoomMessage);
      });
      sub.subscribe(this.channel).catch((error: Error) => {
        this.subscribed = false;
        this.logger.warn({ event: 'room_bus.subscribe_failed', error: error.message });
      });
    }
    this.local.on('message', listener);
    return () => this.local.off('message', listener);
  }
}
