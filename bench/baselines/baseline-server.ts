import { JwtService } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';

/**
 * What the two baseline servers share: the same access-token check Keel makes (HS256, same secret,
 * issuer and audience, `exp` required, `sub` a string), the same id check, and the same response
 * headers Keel's GET /items/:id sets (JSON body, strong ETag from id + version, Cache-Control).
 * Only the way the item is fetched differs (Redis or MariaDB); see the two servers.
 */

/** Returns the item's JSON text and version, or null when there is no such item. */
export type ItemLoader = (id: string) => Promise<{ json: string; version: number } | null>;

const ITEM_PATH = /^\/items\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

interface Claims {
  sub?: unknown;
  exp?: unknown;
}

export function send(res: ServerResponse, status: number, body: string, headers = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/**
 * Checks access tokens as Keel does (HS256, issuer, audience, exp) and returns the user id of a
 * valid one, or null.
 */
export function tokenViewer(): (req: IncomingMessage) => string | null {
  const jwt = new JwtService({
    // The secret is made a KeyObject once. Handed a string, jsonwebtoken 9 first tries to parse it
    // as a PEM public key (crypto.createPublicKey) and only then falls back to an HMAC secret; with
    // OpenSSL 3 that failed parse costs about 1 ms of CPU per verification, which is not part of
    // checking the token (at the time of writing Keel's JwtStrategy passes the string and pays it).
    secret: createSecretKey(Buffer.from(requiredEnv('JWT_SECRET'), 'utf8')),
    verifyOptions: {
      algorithms: ['HS256'],
      issuer: requiredEnv('JWT_ISSUER'),
      audience: requiredEnv('JWT_AUDIENCE'),
    },
  });
  return (req) => {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) return null;
    try {
      const claims = jwt.verify<Claims>(header.slice('Bearer '.length));
      return typeof claims.sub === 'string' && typeof claims.exp === 'number' ? claims.sub : null;
    } catch {
      return null;
    }
  };
}

/** Serves `handle` on 127.0.0.1:$PORT (500 on a thrown error); SIGTERM/SIGINT close it and `close`. */
export function listen(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  close: () => Promise<void>,
): void {
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      if (!res.headersSent) send(res, 500, '{"status":500}');
      else res.destroy();
    });
  });
  server.listen(Number(requiredEnv('PORT')), '127.0.0.1');

  const shutdown = (): void => {
    server.close();
    server.closeAllConnections();
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

export function serveItems(options: { load: ItemLoader; close: () => Promise<void> }): void {
  const viewer = tokenViewer();
  const authorised = (req: IncomingMessage): boolean => viewer(req) !== null;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    if (url === '/health') return send(res, 200, '{"status":"ok"}');
    const match = req.method === 'GET' ? ITEM_PATH.exec(url) : null;
    if (!match?.[1]) return send(res, 404, '{"status":404}');
    if (!authorised(req)) return send(res, 401, '{"status":401}');
    const id = match[1];
    const item = await options.load(id);
    if (!item) return send(res, 404, '{"status":404}');
    send(res, 200, item.json, {
      etag: `"${id}.v${item.version}"`,
      'cache-control': 'private, no-cache',
    });
  };

  listen(handle, options.close);
}
