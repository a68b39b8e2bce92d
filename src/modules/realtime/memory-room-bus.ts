import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { RoomBus, type RoomMessage } from './room-bus';

/** The embedded profile: one process broadcasts and listens. */
@Injectable()
export class MemoryRoomBus implements RoomBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(message: RoomMessage): void {
    this.emitter.emit('message', message);
  }

  listen(listener: (message: RoomMessage) => void): () => void {
    this.emitter.on('message', listener);
    return () => this.emitter.off('message', listener);
  }
}
