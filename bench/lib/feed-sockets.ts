import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { isRecord } from './http';
import { progress } from './log';

/** Sockets connected (and subscribed) at a time, as in the realtime suite. */
const CONNECT_BATCH = 100;
const CONNECT_TIMEOUT_MS = 15_000;
/** The item events a feed subscriber gets for a published item. */
const ITEM_EVENTS = ['item.created', 'item.updated'] as const;

/**
 * Counts, for every write the bench made (told apart by the title it gave the item) and every
 * socket, whether the socket received that write's event: once each is expected.
 */
export class WriteDeliveries {
  private readonly byTitle = new Map<string, number>();
  private readonly sentAt: Float64Array;
  private readonly seen: Uint8Array;
  /** writes the server accepted; only these are expected to arrive */
  private readonly accepted: Uint8Array;
  private writes = 0;
  private acceptedWrites = 0;
  private delivered = 0;
  duplicates = 0;
  /** events of an item this bench wrote whose title it never sent (should be 0) */
  unknown = 0;
  /** receive time − send time of the write, ms, for writes sent in the measured period */
  readonly latencies: number[] = [];
  private measuredFrom = Number.POSITIVE_INFINITY;

  constructor(
    readonly capacity: number,
    readonly sockets: number,
    private readonly marker: string,
  ) {
    this.sentAt = new Float64Array(capacity);
    this.seen = new Uint8Array(capacity * sockets);
    this.accepted = new Uint8Array(capacity);
  }

  /** From this moment on, deliveries of writes sent later count towards the latencies. */
  startMeasuring(): void {
    this.measuredFrom = performance.now();
  }

  /** Registers a write about to be sent; its title must be unique (`titleFor` makes one). */
  titleFor(label: string): { n: number; title: string } {
    const n = this.writes;
    if (n >= this.capacity) throw new Error(`more than ${this.capacity} writes`);
    this.writes += 1;
    const title = `${this.marker} ${label} ${n}`;
    this.byTitle.set(title, n);
    this.sentAt[n] = performance.now();
    return { n, title };
  }

  /** The server accepted write n (2xx): every socket should now receive its event once. */
  accept(n: number): void {
    if (this.accepted[n]) return;
    this.accepted[n] = 1;
    this.acceptedWrites += 1;
  }

  receive(socket: number, payload: unknown, at: number): void {
    const item = isRecord(payload) ? payload.item : undefined;
    const title = isRecord(item) ? item.title : undefined;
    if (typeof title !== 'string' || !title.startsWith(this.marker)) return;
    const n = this.byTitle.get(title);
    if (n === undefined) {
      this.unknown += 1;
      return;
    }
    const slot = n * this.sockets + socket;
    if (this.seen[slot]) {
      this.duplicates += 1;
      return;
    }
    this.seen[slot] = 1;
    this.delivered += 1;
    const sentAt = this.sentAt[n] ?? 0;
    if (sentAt >= this.measuredFrom) this.latencies.push(at - sentAt);
  }

  get expected(): number {
    return this.acceptedWrites * this.sockets;
  }

  /** deliveries of accepted writes (a delivery of a write whose request failed is not counted) */
  get received(): number {
    let count = 0;
    for (let n = 0; n < this.writes; n++) {
      if (!this.accepted[n]) continue;
      const row = this.seen.subarray(n * this.sockets, (n + 1) * this.sockets);
      for (const v of row) count += v;
    }
    return count;
  }

  get acceptedCount(): number {
    return this.acceptedWrites;
  }

  get deliveredAny(): number {
    return this.delivered;
  }

  /** Waits until every expected delivery arrived, or `timeoutMs` passed. */
  async drained(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline && this.received < this.expected) {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** socket.io clients on /realtime, all subscribed to the feed, feeding one WriteDeliveries. */
/** What FeedSockets hands every event it receives to. */
export interface FeedRecorder {
  receive(client: number, payload: unknown, at: number): void;
}

/** N socket.io clients on /realtime, each after `feed:subscribe`, feeding one recorder. */
export class FeedSockets<R extends FeedRecorder = WriteDeliveries> {
  private readonly sockets: Socket[] = [];
  private deliveries: R | null = null;
  disconnects = 0;

  constructor(
    private readonly label: string,
    private readonly events: readonly string[] = ITEM_EVENTS,
  ) {}

  async connect(url: string, tokens: readonly string[], count: number): Promise<void> {
    const started = performance.now();
    for (let first = 0; first < count; first += CONNECT_BATCH) {
      const batch = Array.from(
        { length: Math.min(CONNECT_BATCH, count - first) },
        (_, i) => first + i,
      );
      await Promise.all(batch.map((n) => this.connectOne(url, tokens[n % tokens.length] ?? '', n)));
    }
    progress(
      `${this.label}: ${count} sockets connected and subscribed to the feed in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }

  private async connectOne(url: string, token: string, client: number): Promise<void> {
    const socket = io(`${url}/realtime`, {
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: CONNECT_TIMEOUT_MS,
    });
    this.sockets.push(socket);
    for (const event of this.events) {
      socket.on(event, (payload: unknown) => {
        this.deliveries?.receive(client, payload, performance.now());
      });
    }
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error: Error) =>
        reject(new Error(`${this.label}: socket ${client} refused: ${error.message}`)),
      );
    });
    socket.on('disconnect', (reason: string) => {
      this.disconnects += 1;
      if (this.disconnects <= 5)
        progress(`${this.label}: socket ${client} disconnected (${reason})`);
    });
    const ack: unknown = await socket.timeout(CONNECT_TIMEOUT_MS).emitWithAck('feed:subscribe');
    if (!isRecord(ack) || ack.ok !== true) {
      throw new Error(`${this.label}: feed:subscribe answered ${JSON.stringify(ack)}`);
    }
  }

  record(deliveries: R | null): void {
    this.deliveries = deliveries;
  }

  get connected(): number {
    return this.sockets.filter((s) => s.connected).length;
  }

  close(): void {
    this.deliveries = null;
    for (const socket of this.sockets.splice(0)) {
      socket.removeAllListeners();
      socket.disconnect();
    }
  }
}
