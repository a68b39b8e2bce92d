import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';

/**
 * Lets an HTTP server stop without cutting anyone off: once `stopAccepting` is called the listening
 * socket closes (new connections are refused), every response not yet started carries
 * `Connection: close` (so keep-alive clients do not send another request on a connection that is
 * about to go), requests already received or arriving on open connections are still served, and
 * `idle` resolves once none is in flight.
 */
export class HttpDrain {
  private readonly inFlight = new Set<ServerResponse>();
  private draining = false;
  private waiters: Array<() => void> = [];

  constructor(private readonly server: Server) {
    // First listener, so the header is set before the application can start answering.
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) =>
      this.track(res),
    );
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /** Closes the listening socket only: http.Server#close would also drop idle keep-alive sockets,
   * racing a client that is sending its next request on one of them. */
  stopAccepting(): void {
    if (this.draining) return;
    this.draining = true;
    for (const res of this.inFlight) this.closeAfter(res);
    if (this.server.listening) NetServer.prototype.close.call(this.server);
  }

  /** Resolves when no request is in flight. */
  idle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends the keep-alive connections that carry no request (called once `idle` has resolved). */
  closeIdleConnections(): void {
    this.server.closeIdleConnections();
  }

  private track(res: ServerResponse): void {
    this.inFlight.add(res);
    if (this.draining) this.closeAfter(res);
    res.once('close', () => {
      this.inFlight.delete(res);
      if (this.inFlight.size > 0) return;
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve();
    });
  }

  private closeAfter(res: ServerResponse): void {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  }
}
