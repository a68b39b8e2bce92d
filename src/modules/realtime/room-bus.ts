/** One fan-out broadcast: an event to the union of `rooms`, minus the members of `except`. */
export interface RoomMessage {
  rooms: string[];
  except: string[];
  event: string;
  message: unknown;
}

/**
 * Port: the fan-out's broadcasts for listeners that are not socket.io sockets (GraphQL
 * subscriptions), on every API process. The profile binds it (profile.providers.ts): in this
 * process (embedded) or over Redis pub/sub, so a broadcast made by any API process or the worker
 * reaches the subscribers of every API process. An abstract class: token and interface at once.
 */
export abstract class RoomBus {
  abstract publish(message: RoomMessage): void;
  /** Calls `listener` with every broadcast from now on; returns how to stop. */
  abstract listen(listener: (message: RoomMessage) => void): () => void;
}
