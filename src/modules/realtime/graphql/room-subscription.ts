import type { RoomBus, RoomMessage } from '../room-bus';

/** Events queued for a subscriber that reads slower than they come; past it, it is closed. */
const MAX_QUEUED = 1000;

const overlaps = (a: string[], b: Set<string>): boolean => a.some((room) => b.has(room));

/**
 * The fan-out's broadcasts as one GraphQL subscription's async iterator: those addressed to any
 * of `rooms` (the rooms a socket of this viewer would have joined) and not excepting them, each
 * once, in the order the fan-out made them.
 */
export function roomSubscription<T>(
  bus: RoomBus,
  options: { rooms: string[]; map: (message: RoomMessage) => T | null },
): AsyncIterableIterator<T> {
  const mine = new Set(options.rooms);
  const queue: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | null = null;
  let done = false;

  const finish = (): IteratorResult<T> => {
    done = true;
    stop();
    queue.length = 0;
    const end: IteratorResult<T> = { value: undefined, done: true };
    waiting?.(end);
    waiting = null;
    return end;
  };
  const stop = bus.listen((message) => {
    if (done || !overlaps(message.rooms, mine) || overlaps(message.except, mine)) return;
    const value = options.map(message);
    if (value === null) return;
    if (waiting) {
      const deliver = waiting;
      waiting = null;
      deliver({ value, done: false });
    } else if (queue.length < MAX_QUEUED) {
      queue.push(value);
    } else {
      finish();
    }
  });

  return {
    next: () => {
      const value = queue.shift();
      if (value !== undefined) return Promise.resolve({ value, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return: () => Promise.resolve(finish()),
    throw: (error: unknown) => {
      finish();
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
