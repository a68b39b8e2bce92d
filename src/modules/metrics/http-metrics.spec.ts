import { EventEmitter } from 'node:events';
import type { NextFunction, Request, Response } from 'express';
import type { MetricValueWithName } from 'prom-client';
import type { HttpAdapterHost } from '@nestjs/core';
import { HttpMetrics, routeLabel } from './http-metrics';
import { MetricsRegistry } from './metrics-registry';

interface FakeResponse extends EventEmitter {
  statusCode: number;
  writableFinished: boolean;
}

function exchange(req: Partial<Request> & { route?: unknown }): {
  req: Request;
  res: FakeResponse;
} {
  const res = Object.assign(new EventEmitter(), { statusCode: 200, writableFinished: false });
  return { req: { method: 'GET', baseUrl: '', ...req } as Request, res };
}

describe('routeLabel', () => {
  it('is the matched route template with the router base path', () => {
    expect(routeLabel({ baseUrl: '', route: { path: '/items/:id' } })).toBe('/items/:id');
    expect(routeLabel({ baseUrl: '/api', route: { path: '/items/:id' } })).toBe('/api/items/:id');
    expect(routeLabel({ baseUrl: '', route: { path: '/' } })).toBe('/');
  });

  it('is "unmatched" when no route matched or the route has no string path', () => {
    expect(routeLabel({ baseUrl: '' })).toBe('unmatched');
    expect(routeLabel({ baseUrl: '', route: null })).toBe('unmatched');
    expect(routeLabel({ baseUrl: '', route: { path: /items/ } })).toBe('unmatched');
  });

  it('is "unmatched" for a request that passed every route, whatever catch-all it crossed', () => {
    expect(routeLabel({ baseUrl: '', route: { path: '/{*path}' } }, true)).toBe('unmatched');
  });
});

describe('HttpMetrics middleware', () => {
  let metrics: MetricsRegistry;
  let http: HttpMetrics;

  beforeEach(() => {
    metrics = new MetricsRegistry();
    http = new HttpMetrics(metrics, { httpAdapter: undefined } as unknown as HttpAdapterHost);
  });
  afterEach(() => metrics.onModuleDestroy());

  const countOf = async (labels: Record<string, string>): Promise<number> => {
    const json = await metrics.registry.getSingleMetric('http_request_duration_seconds')?.get();
    const values = (json?.values ?? []) as Array<MetricValueWithName<string>>;
    const sample = values.find(
      (v) =>
        v.metricName === 'http_request_duration_seconds_count' &&
        Object.entries(labels).every(([k, value]) => v.labels[k] === value),
    );
    return sample?.value ?? 0;
  };

  const run = (req: Request, res: FakeResponse): void => {
    const next: NextFunction = jest.fn();
    http.middleware(req, res as unknown as Response, next);
    expect(next).toHaveBeenCalledTimes(1);
  };

  it('records the route template and status once the response has finished', async () => {
    const { req, res } = exchange({ url: '/items/6f1c…' });
    run(req, res);
    expect(await countOf({ route: '/items/:id' })).toBe(0);
    // Express sets req.route during routing, after this middleware ran.
    (req as Request & { route: unknown }).route = { path: '/items/:id' };
    res.statusCode = 404;
    res.writableFinished = true;
    res.emit('finish');
    res.emit('close');
    expect(await countOf({ method: 'GET', route: '/items/:id', status_code: '404' })).toBe(1);
  });

  it('labels responses without a route "unmatched" and aborted ones 499', async () => {
    const done = exchange({ method: 'POST' });
    run(done.req, done.res);
    done.res.statusCode = 415;
    // As on a real response: 'close' follows 'finish'.
    done.res.writableFinished = true;
    done.res.emit('finish');
    done.res.emit('close');
    const aborted = exchange({});
    run(aborted.req, aborted.res);
    aborted.res.emit('close');
    expect(await countOf({ method: 'POST', route: 'unmatched', status_code: '415' })).toBe(1);
    expect(await countOf({ method: 'GET', route: 'unmatched', status_code: '499' })).toBe(1);
  });

  it('counts each response once, in the series of its labels', async () => {
    for (const status of [200, 200, 404]) {
      const { req, res } = exchange({ route: { path: '/items/:id' } });
      run(req, res);
      res.statusCode = status;
      res.writableFinished = true;
      res.emit('finish');
      res.emit('close');
    }
    expect(await countOf({ method: 'GET', route: '/items/:id', status_code: '200' })).toBe(2);
    expect(await countOf({ method: 'GET', route: '/items/:id', status_code: '404' })).toBe(1);
  });
});
