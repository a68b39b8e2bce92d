import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Just enough of Elasticsearch over HTTP for a Keel started as a child process (which cannot take a
 * FakeSearchIndex provider): the `items` alias exists on `items_v1`, `_bulk` stores external
 * versions after `bulkDelayMs` (so index jobs stay active a while), `_cluster/health` is green.
 */
export class FakeElasticsearchServer {
  /** Item id → highest version written. */
  readonly versions = new Map<string, number>();
  bulkDelayMs = 0;
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'HEAD' && path === '/_alias/items') return this.send(res, 200, null);
    if (req.method === 'GET' && path === '/_alias/items') {
      return this.send(res, 200, { items_v1: { aliases: { items: {} } } });
    }
    if (req.method === 'GET' && path === '/_cluster/health') {
      return this.send(res, 200, { status: 'green' });
    }
    if (req.method === 'POST' && path === '/_bulk') {
      await new Promise((resolve) => setTimeout(resolve, this.bulkDelayMs));
      return this.send(res, 200, { errors: false, took: 1, items: this.bulk(body) });
    }
    this.send(res, 404, { error: { type: 'not_supported', reason: `${req.method} ${path}` } });
  }

  private bulk(ndjson: string): unknown[] {
    const lines = ndjson
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, { _id: string; version: number }>);
    const items: unknown[] = [];
    for (let i = 0; i < lines.length; i++) {
      const action = lines[i] ?? {};
      const op = Object.keys(action)[0] ?? 'index';
      const meta = action[op];
      if (!meta) continue;
      if (op === 'index') i++; // the document line
      const stored = this.versions.get(meta._id) ?? 0;
      const status = stored >= meta.version ? 409 : 200;
      if (status === 200) this.versions.set(meta._id, meta.version);
      items.push({ [op]: { _id: meta._id, _index: 'items_v1', status } });
    }
    return items;
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, {
      'content-type': 'application/json',
      // The 8.x client refuses servers that do not say they are Elasticsearch.
      'x-elastic-product': 'Elasticsearch',
    });
    res.end(body === null ? undefined : JSON.stringify(body));
  }
}
