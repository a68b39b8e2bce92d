import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { GRAPHQL_SECURITY_HEADERS, SECURITY_HEADERS } from '../../app.setup';
import { helmetHeaders, staticHeadersMiddleware } from './security-headers';

/** Headers that differ between any two responses, whatever the middleware. */
const VARYING = new Set(['date', 'connection', 'keep-alive']);

function appWith(headers: RequestHandler): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(headers);
  app.get('/graphql', (_req, res) => void res.json({ ok: true }));
  app.get('/items/:id', (_req, res) => void res.json({ ok: true }));
  app.use((_req, res) => void res.status(404).json({ missing: true }));
  return app;
}

async function headersOf(app: Express, path: string): Promise<Record<string, unknown>> {
  const res = await request(app).get(path);
  return Object.fromEntries(Object.entries(res.headers).filter(([name]) => !VARYING.has(name)));
}

describe('security headers computed at boot', () => {
  // What configureApp did before: helmet's middleware on every request, chosen by path.
  const helmetApp = appWith((req, res, next) =>
    (req.path === '/graphql' ? helmet(GRAPHQL_SECURITY_HEADERS) : helmet(SECURITY_HEADERS))(
      req,
      res,
      next,
    ),
  );
  const headers = helmetHeaders(SECURITY_HEADERS);
  const graphqlHeaders = helmetHeaders(GRAPHQL_SECURITY_HEADERS);
  const staticApp = appWith(
    staticHeadersMiddleware((path) => (path === '/graphql' ? graphqlHeaders : headers)),
  );

  it.each(['/items/1', '/graphql', '/no-such-route'])(
    'sends exactly the headers and values helmet sent on %s',
    async (path) => {
      const before = await headersOf(helmetApp, path);
      const after = await headersOf(staticApp, path);
      expect(after).toEqual(before);
      expect(Object.keys(after)).toEqual(Object.keys(before));
    },
  );

  it('includes the protections the API relies on', () => {
    const names = headers.map(([name]) => name.toLowerCase());
    expect(names).toEqual(
      expect.arrayContaining([
        'content-security-policy',
        'strict-transport-security',
        'x-content-type-options',
        'x-frame-options',
        'cross-origin-opener-policy',
        'referrer-policy',
      ]),
    );
    expect(graphqlHeaders.map(([name]) => name.toLowerCase())).not.toContain(
      'content-security-policy',
    );
  });

  it('refuses a per-request directive instead of freezing its first value', () => {
    expect(() =>
      helmetHeaders({
        contentSecurityPolicy: { directives: { scriptSrc: [() => `'nonce-${Math.random()}'`] } },
      }),
    ).toThrow(/options.contentSecurityPolicy.directives.scriptSrc.0 is a per-request directive/);
  });
});
