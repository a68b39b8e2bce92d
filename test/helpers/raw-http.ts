import { connect, Socket } from 'node:net';

/** What a raw TCP client saw before the server closed the connection (or the client gave up). */
export interface RawOutcome {
  /** Everything the server sent, as latin1 text. */
  received: string;
  /** True when the server closed the connection; false when `giveUpMs` passed first. */
  closedByServer: boolean;
  /** Milliseconds from connecting to the close (or to giving up). */
  elapsedMs: number;
  /** How many `drip` writes went out before the close. */
  drips: number;
}

export interface DripOptions {
  /** Written once, right after connecting (may be empty: a client that says nothing). */
  head?: string;
  /** Written every `intervalMs` until the connection closes (none when omitted). */
  drip?: (n: number) => string;
  intervalMs?: number;
  /** The client stops waiting and closes the connection itself after this long. */
  giveUpMs: number;
}

/** A raw TCP connection to a test server given by its http://host:port URL. */
export function rawConnect(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * A slow client: sends `head`, then keeps trickling `drip` writes, and reports when (and with
 * what) the server ended the connection. It never ends the request itself.
 */
export async function dripUntilClosed(url: string, options: DripOptions): Promise<RawOutcome> {
  const started = Date.now();
  const socket = await rawConnect(url);
  return new Promise((resolve) => {
    let received = '';
    let drips = 0;
    let closedByServer = true;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    // A reset by the server (ECONNRESET) is also the server ending the connection.
    socket.on('error', () => undefined);
    const ticker =
      options.drip === undefined
        ? null
        : setInterval(() => {
            if (socket.destroyed || socket.writableEnded) return;
            drips += 1;
            socket.write((options.drip as (n: number) => string)(drips));
          }, options.intervalMs ?? 200);
    const giveUp = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, options.giveUpMs);
    socket.once('close', () => {
      if (ticker) clearInterval(ticker);
      clearTimeout(giveUp);
      resolve({ received, closedByServer, elapsedMs: Date.now() - started, drips });
    });
    if (options.head) socket.write(options.head);
  });
}
