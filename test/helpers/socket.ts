import { io, Socket } from 'socket.io-client';

export interface ReceivedEvent {
  event: string;
  payload: unknown;
}

export interface TestSocket {
  socket: Socket;
  /** Every event received since connecting, in arrival order. */
  received: ReceivedEvent[];
}

/** Opens a /realtime connection without waiting for the outcome. */
export function openSocket(url: string, options: { token?: string; header?: string } = {}): Socket {
  return io(`${url}/realtime`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: options.token === undefined ? {} : { token: options.token },
    extraHeaders: options.header ? { Authorization: options.header } : undefined,
  });
}

/** Connects with the access token and records every event it receives. */
export async function connectSocket(url: string, token: string): Promise<TestSocket> {
  const socket = openSocket(url, { token });
  const received: ReceivedEvent[] = [];
  socket.onAny((event: string, payload: unknown) => received.push({ event, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return { socket, received };
}

/** The connect_error a connection attempt ends with (fails if it connects). */
export function connectError(
  socket: Socket,
): Promise<Error & { data?: { code?: string; message?: string } }> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.close();
      reject(new Error('connected, but a connect_error was expected'));
    });
    socket.once('connect_error', (error) => {
      socket.close();
      resolve(error);
    });
  });
}

export interface AckAnswer {
  ok: boolean;
  error?: { code: string; message: string };
}

/** Emits a message and resolves with its acknowledgement (fails after the deadline). */
export async function request(
  socket: Socket,
  event: string,
  ...args: unknown[]
): Promise<AckAnswer> {
  return (await socket.timeout(5000).emitWithAck(event, ...args)) as AckAnswer;
}

/** Resolves with the next `event` payload, or fails after the deadline. */
export function nextEvent<T = unknown>(
  socket: Socket,
  event: string,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (payload: T): void => {
      clearTimeout(timer);
      resolve(payload);
    };
    socket.once(event, handler);
  });
}

/** Resolves with the first recorded `event` (already received or still to come) matching `match`. */
export async function receivedEvent<T = unknown>(
  s: TestSocket,
  event: string,
  match: (payload: T) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = s.received.find((r) => r.event === event && match(r.payload as T));
    if (found) return found.payload as T;
    if (Date.now() > deadline) throw new Error(`no ${event} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
