import { Writable } from 'node:stream';
import express, { type Express, type RequestHandler } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { Store, storage } from 'nestjs-pino/storage';
import { pinoHttp } from 'pino-http';
import request from 'supertest';
import { requestIdMiddleware } from '../http/request-id.middleware';
import { buildRootLogger, REDACT_PATHS } from './logger.options';
import { requestLoggerMiddleware } from './request-logger';

type Line = Record<string, unknown>;

/** Collects the JSON lines a logger writes. */
function sink(): { stream: Writable; lines: Line[] } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done): void {
      for (const text of chunk.toString('utf8').split('\n')) {
        if (text !== '') lines.push(JSON.parse(text) as Line);
      }
      done();
    },
  });
  return { stream, lines };
}

function without(record: Line, keys: readonly string[]): Line {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
}

/**
 * A line without what differs between two runs: time, pid, the client's port, the duration's value,
 * the stack, the Date header, and `req.params` (pino-http froze the params of the middleware's own
 * mount point; the request's line now serialises them when it is first written, after routing).
 */
function comparable(line: Line): Line {
  const out = without(line, ['time', 'pid', 'hostname']);
  if (out.responseTime !== undefined) out.responseTime = typeof out.responseTime;
  if (out.req !== undefined) out.req = without(out.req as Line, ['remotePort', 'params']);
  if (out.err !== undefined) out.err = without(out.err as Line, ['stack']);
  const res = out.res as { headers?: Line } | undefined;
  if (res?.headers !== undefined) out.res = { ...res, headers: without(res.headers, ['date']) };
  return out;
}

/** The same routes behind a given logging middleware; `/inside` logs a line while it runs. */
function appWith(logging: RequestHandler[]): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestIdMiddleware);
  app.use(...logging);
  const inRequest = new PinoLogger({ pinoHttp: {} });
  inRequest.setContext('ItemsService');
  app.get('/inside', (_req, res) => {
    inRequest.info({ event: 'items.read', body: { password: 'secret' } }, 'read');
    res.setHeader('Set-Cookie', 'refresh=secret');
    res.json({ ok: true });
  });
  app.get('/fail', (_req, res) => void res.status(500).json({ failed: true }));
  app.get('/health/live', (_req, res) => void res.json({ ok: true }));
  app.use((_req, res) => void res.status(404).json({ missing: true }));
  return app;
}

async function linesOf(app: Express, lines: Line[]): Promise<Line[]> {
  const headers = {
    authorization: 'Bearer secret-token',
    cookie: 'refresh=secret',
    host: 'keel.test',
  };
  await request(app).get('/inside?x=1').set(headers).set('X-Request-Id', 'req-inside');
  await request(app).get('/fail').set(headers).set('X-Request-Id', 'req-fail');
  await request(app)
    .get('/no-such-route')
    .set('Host', 'keel.test')
    .set('X-Request-Id', 'req-missing');
  await request(app).get('/health/live').set('X-Request-Id', 'req-health');
  return lines.map(comparable);
}

const LOG = { level: 'info', pretty: false } as const;

describe('requestLoggerMiddleware', () => {
  it('writes the lines pino-http wrote, with every field and the same redaction', async () => {
    // What Keel ran before: pino-http with these options, then nestjs-pino binding req.log.
    const before = sink();
    const httpLogger = pinoHttp(
      {
        level: LOG.level,
        genReqId: (req) => (req as typeof req & { id?: string }).id ?? '',
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
        customLogLevel: (_req, res, err) =>
          err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
        autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health/') },
      },
      before.stream,
    );
    const bind: RequestHandler = (req, _res, next) =>
      storage.run(new Store((req as typeof req & { log: Store['logger'] }).log), next);
    const expected = await linesOf(appWith([httpLogger, bind]), before.lines);

    const after = sink();
    const actual = await linesOf(
      appWith([requestLoggerMiddleware(buildRootLogger(LOG, after.stream))]),
      after.lines,
    );

    expect(actual).toEqual(expected);
    // The lines compared above, so that an empty comparison cannot pass.
    expect(actual.map((line) => [line.level, line.msg])).toEqual([
      [30, 'read'],
      [30, 'request completed'],
      [50, 'request errored'],
      [40, 'request completed'],
    ]);
    const text = JSON.stringify(actual);
    expect(text).not.toContain('secret');
    expect(text).toContain('req-inside');
  });

  it('binds every line of the request to it, including its route params', async () => {
    const out = sink();
    const app = express();
    app.use(requestIdMiddleware, requestLoggerMiddleware(buildRootLogger(LOG, out.stream)));
    const inRequest = new PinoLogger({ pinoHttp: {} });
    app.get('/items/:id', (_req, res) => {
      inRequest.info('read');
      res.json({});
    });
    await request(app).get('/items/42').set('X-Request-Id', 'abc');
    expect(out.lines).toHaveLength(2);
    for (const line of out.lines) {
      expect(line.req).toMatchObject({ id: 'abc', method: 'GET', url: '/items/42' });
    }
  });

  it('writes nothing, and serialises nothing, for a level it filters out', async () => {
    const out = sink();
    const root = buildRootLogger({ level: 'warn', pretty: false }, out.stream);
    const child = jest.spyOn(root, 'child');
    const app = express();
    app.use(requestLoggerMiddleware(root));
    app.get('/ok', (_req, res) => void res.json({}));
    await request(app).get('/ok');
    await request(app).get('/missing');
    expect(child).not.toHaveBeenCalled();
    expect(out.lines.map((line) => [line.level, line.msg])).toEqual([[40, 'request completed']]);
  });
});
