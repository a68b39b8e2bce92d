import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Server } from 'socket.io';

/**
 * Baseline of the realtime suite: a bare socket.io server (the same socket.io version as Keel,
 * default options, namespace /realtime) that accepts any connection, puts a socket in the 'feed'
 * room when it sends `feed:subscribe` (acknowledged with `{ ok: true }`, as Keel does), and
 * broadcasts `item.updated` with the JSON body of every `POST /emit` to that room. No
 * authentication, no database, no outbox: only the socket.io fan-out Keel's delivery ends with.
 * `GET /health` answers 200 once it listens.
 */
const MAX_BODY_BYTES = 1024 * 1024;

function send(res: ServerResponse, status: number, body = ''): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

function main(): void {
  const port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error('PORT is required');

  // Attached before socket.io, which then passes it every request outside /socket.io/.
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === '/health') return send(res, 200, '{"status":"ok"}');
    if (req.method === 'POST' && req.url === '/emit') {
      readBody(req).then(
        (text) => {
          let payload: unknown;
          try {
            payload = JSON.parse(text);
          } catch {
            return send(res, 400, '{"error":"invalid JSON"}');
          }
          feed.to('feed').emit('item.updated', payload);
          send(res, 204);
        },
        () => send(res, 413),
      );
      return;
    }
    send(res, 404, '{"error":"not found"}');
  });
  const io = new Server(http);
  const feed = io.of('/realtime');
  feed.on('connection', (socket) => {
    socket.on('feed:subscribe', (...args: unknown[]) => {
      const ack = args[args.length - 1];
      void socket.join('feed');
      if (typeof ack === 'function') (ack as (reply: unknown) => void)({ ok: true });
    });
  });

  http.listen(port, '127.0.0.1');
  const stop = (): void => {
    void io.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main();
