import { createServer, Server, Socket, connect } from 'node:net';

type Mode = 'open' | 'cut' | 'blackhole';

/** One direction of one proxied connection: chunks wait here until they may be forwarded. */
interface Lane {
  to: Socket;
  queue: Array<{ chunk: Buffer; at: number }>;
  timer: NodeJS.Timeout | null;
}

/**
 * A TCP proxy on 127.0.0.1 that a test controls:
 * - `cut()` drops every connection and refuses new ones (the dependency "goes away" without losing
 *   its data); `cut({ reset: true })` drops them with a TCP RST instead of a FIN.
 * - `blackhole()` keeps every connection open and accepts new ones, but forwards nothing in either
 *   direction (a network partition: packets vanish, nobody is told).
 * - `slow(ms)` forwards everything, each chunk `ms` later than it arrived (in order).
 * - `restore()` lets traffic through again at full speed; what a blackhole held back is delivered
 *   then, as TCP retransmission would once a partition heals.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly lanes = new Set<Lane>();
  private mode: Mode = 'open';
  private latencyMs = 0;
  /** Connections accepted so far (refused ones included). */
  accepted = 0;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((client) => {
      this.accepted += 1;
      if (this.mode === 'cut') {
        client.destroy();
        return;
      }
      const upstream = connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      this.forward(client, upstream);
      this.forward(upstream, client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  /** Drops every connection (FIN, or RST with `reset`) and refuses new ones until `restore()`. */
  cut({ reset = false }: { reset?: boolean } = {}): void {
    this.mode = 'cut';
    for (const s of this.sockets) {
      if (reset && !s.destroyed && typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
      else s.destroy();
    }
  }

  /** Accepts connections and keeps them open, but forwards nothing until `restore()`. */
  blackhole(): void {
    this.mode = 'blackhole';
  }

  /** Adds `ms` of latency to every chunk, both directions (0 = none). */
  slow(ms: number): void {
    this.latencyMs = ms;
  }

  restore(): void {
    this.mode = 'open';
    this.latencyMs = 0;
    for (const lane of this.lanes) this.pump(lane);
  }

  async stop(): Promise<void> {
    this.cut();
    for (const lane of this.lanes) if (lane.timer) clearTimeout(lane.timer);
    this.lanes.clear();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private forward(from: Socket, to: Socket): void {
    const lane: Lane = { to, queue: [], timer: null };
    this.lanes.add(lane);
    from.on('data', (chunk: Buffer) => {
      lane.queue.push({ chunk, at: Date.now() + this.latencyMs });
      this.pump(lane);
    });
    from.on('close', () => {
      if (lane.timer) clearTimeout(lane.timer);
      this.lanes.delete(lane);
    });
  }

  /** Writes what is due, in arrival order, and wakes up again for the next chunk. */
  private pump(lane: Lane): void {
    if (lane.timer) {
      clearTimeout(lane.timer);
      lane.timer = null;
    }
    if (this.mode !== 'open') return;
    const now = Date.now();
    while (lane.queue.length > 0 && lane.queue[0].at <= now) {
      const next = lane.queue.shift();
      if (next && !lane.to.destroyed) lane.to.write(next.chunk);
    }
    if (lane.queue.length > 0) {
      lane.timer = setTimeout(() => this.pump(lane), lane.queue[0].at - now);
    }
  }
}
