import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** A kept-alive connection left idle this long after the drain began is closed. */
const IDLE_QUIET_MS = 1000;
const CHECK_EVERY_MS = 50;

interface Connection {
  busy: number;
  idleSince: number;
}

/**
 * Lets an HTTP server stop without cutting anyone off. Once `stopAccepting` is called the listening
 * socket closes (new connections are refused); every response not yet started carries
 * `Connection: close`, so a keep-alive client does not send another request on that connection;
 * requests already received, or arriving on connections still open, are served. `drained` resolves
 * when every connection has gone: each one closes after its response, and one that stays idle is
 * closed only once it has been idle for a while since the drain began, so a client that was about to
 * send its next request on it is served rather than reset (the race that closing every idle
 * connection at once, as http.Server#close does, would lose).
 */
export class HttpDrain {
  private readonly connections = new Map<Socket, Connection>();
  private readonly inFlight = new Set<ServerResponse>();
  private draining = false;
  private drainStartedAt = 0;

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, { busy: 0, idleSince: Date.now() });
      socket.once('close', () => this.connections.delete(socket));
    });
    // First listener, so the header is set before the application can start answering.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) =>
      this.track(req, res),
    );
  }

  stopAccepting(): void {
    if (this.draining) return;
    this.draining = true;
    this.drainStartedAt = Date.now();
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    // Only the listening socket: http.Server#close would also drop the idle connections at once.
    if (this.server.listening) NetServer.prototype.close.call(this.server);
  }

  /** Resolves once no connection is left (call after stopAccepting). */
  async drained(): Promise<void> {
    while (this.connections.size > 0) {
      const now = Date.now();
      for (const [socket, c] of this.connections) {
        const quietSince = Math.max(c.idleSince, this.drainStartedAt);
        if (c.busy === 0 && now - quietSince >= IDLE_QUIET_MS) socket.destroy();
      }
      await new Promise((resolve) => setTimeout(resolve, CHECK_EVERY_MS));
    }
  }

  private track(req: IncomingMessage, res: ServerResponse): void {
    const connection = this.connections.get(req.socket);
    if (connection) connection.busy++;
    this.inFlight.add(res);
    if (this.draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      this.inFlight.delete(res);
      if (!connection) return;
      connection.busy--;
      connection.idleSince = Date.now();
    });
  }
}
