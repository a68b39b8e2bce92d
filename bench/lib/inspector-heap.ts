import WebSocket from 'ws';
import { isRecord } from './http';

const CALL_TIMEOUT_MS = 30_000;

export interface LiveHeap {
  /** V8 heap in use right after a forced full garbage collection, bytes */
  usedBytes: number;
  totalBytes: number;
  /** how long the forced collection (and the reading) took, ms */
  pauseMs: number;
}

/**
 * A DevTools-protocol session with a Node process started with `--inspect=127.0.0.1:<port>`
 * (loopback only). Used to force a full garbage collection before reading the heap, so that the
 * figure is the live heap and not wherever the sawtooth between two collections happens to be.
 */
export class HeapInspector {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: WebSocket.RawData) => {
      let message: unknown;
      try {
        const text = Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.isBuffer(data)
            ? data.toString('utf8')
            : Buffer.from(new Uint8Array(data)).toString('utf8');
        message = JSON.parse(text);
      } catch {
        return;
      }
      if (!isRecord(message) || typeof message.id !== 'number') return;
      const call = this.waiting.get(message.id);
      if (!call) return;
      this.waiting.delete(message.id);
      if (isRecord(message.error)) call.reject(new Error(JSON.stringify(message.error)));
      else call.resolve(message.result);
    });
    socket.on('close', () => {
      for (const call of this.waiting.values()) call.reject(new Error('inspector session closed'));
      this.waiting.clear();
    });
  }

  static async connect(port: number): Promise<HeapInspector> {
    const res = await fetch(`http://127.0.0.1:${port}/json/list`, {
      signal: AbortSignal.timeout(5000),
    });
    const targets: unknown = await res.json();
    const first: unknown = Array.isArray(targets) ? targets[0] : undefined;
    const url = isRecord(first) ? first.webSocketDebuggerUrl : undefined;
    if (typeof url !== 'string' || !url.startsWith('ws://127.0.0.1:')) {
      throw new Error(`no loopback inspector target on port ${port}: ${JSON.stringify(targets)}`);
    }
    const socket = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new HeapInspector(socket);
  }

  /** One DevTools-protocol command (also used by cpu-layers.ts for the Profiler domain). */
  call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${method}: no answer within ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      this.waiting.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Forces a full collection in the process, then reads its V8 heap. */
  async liveHeap(): Promise<LiveHeap> {
    const started = performance.now();
    await this.call('HeapProfiler.collectGarbage');
    const usage = await this.call('Runtime.getHeapUsage');
    const pauseMs = performance.now() - started;
    if (!isRecord(usage) || typeof usage.usedSize !== 'number') {
      throw new Error(`Runtime.getHeapUsage answered ${JSON.stringify(usage)}`);
    }
    return {
      usedBytes: usage.usedSize,
      totalBytes: typeof usage.totalSize === 'number' ? usage.totalSize : 0,
      pauseMs,
    };
  }

  close(): void {
    this.socket.terminate();
  }
}
