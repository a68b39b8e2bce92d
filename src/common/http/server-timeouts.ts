import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { AppConfig } from '../../config/configuration';

type Timeouts = AppConfig['http']['timeouts'];

/** Node reads this (undocumented on the type) when the server starts listening. */
type CheckedServer = Server & { connectionsCheckingInterval: number };

/**
 * How often Node looks for requests past their headers/request deadline. Node's default is 30 s,
 * which would let a slow-header client hold a connection for up to 30 s past the deadline; a tenth
 * of the shortest deadline (at most 1 s) keeps the cut close to the configured time.
 */
export function checkingIntervalMs(timeouts: Timeouts): number {
  const shortest = Math.min(timeouts.headersMs, timeouts.requestMs);
  return Math.min(1000, Math.max(50, Math.floor(shortest / 10)));
}

/**
 * Server deadlines against slow clients, applied before `listen` (main.ts and the e2e tests both
 * go through configureApp). Node cuts a request whose headers, or whole body, arrive too slowly
 * with 408 and closes the connection. A connection that never sends a byte gets its own timer
 * here, with the headers timeout, closed without a word; Node's periodic check may also find it
 * first on a busy event loop and answer it 408 (both within one checking interval of the deadline).
 */
export function applyServerTimeouts(server: Server, timeouts: Timeouts): void {
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = timeouts.requestMs;
  server.keepAliveTimeout = timeouts.keepAliveMs;
  (server as CheckedServer).connectionsCheckingInterval = checkingIntervalMs(timeouts);

  server.on('connection', (socket: Socket) => {
    const timer = setTimeout(() => {
      // bytesRead counts what the HTTP parser consumed too (it reads the handle directly, so no
      // 'data' event would tell).
      if (socket.bytesRead === 0) socket.destroy();
    }, timeouts.headersMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });
}
