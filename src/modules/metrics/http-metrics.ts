import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics-registry';

/** The route label of a request no route matched (unknown path, body refused before routing, static files). */
export const UNMATCHED_ROUTE = 'unmatched';
/** The status label of a response the client gave up on before it was sent (nginx's convention). */
export const CLIENT_CLOSED_STATUS = 499;

/**
 * The route template Express matched (`/items/:id`), never the raw URL: ids in labels would make one
 * series per item. Read when the response ends, once routing has happened. `fellThrough` requests
 * passed every route: their `req.route` is at most a catch-all that middleware is mounted on
 * (Nest 11 mounts `forRoutes('*')` middleware as `/{*path}` routes), so they are unmatched.
 */
export function routeLabel(
  req: Pick<Request, 'baseUrl'> & { route?: unknown },
  fellThrough = false,
): string {
  const route = req.route;
  if (fellThrough || typeof route !== 'object' || route === null || !('path' in route)) {
    return UNMATCHED_ROUTE;
  }
  const path = route.path;
  if (typeof path !== 'string') return UNMATCHED_ROUTE;
  return `${req.baseUrl}${path}` || '/';
}

/** `http_request_duration_seconds{method,route,status_code}` for every response, errors included. */
@Injectable()
export class HttpMetrics implements OnModuleInit {
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly fellThrough = new WeakSet<Request>();

  constructor(
    metrics: MetricsRegistry,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from the request reaching Keel to the last byte of its response, by route template',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [metrics.registry],
    });
  }

  /**
   * Nest registers the controllers' routes before the modules' init hooks and its not-found handler
   * after them, so a handler mounted here runs exactly for the requests no route answered.
   */
  onModuleInit(): void {
    this.adapterHost.httpAdapter?.use(this.markFellThrough);
  }

  /**
   * Express middleware, mounted before every other one (configureApp) so that responses sent by the
   * body parser or helmet, the exception filter and the not-found handler are all timed.
   */
  readonly middleware: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    let recorded = false;
    const record = (status: number): void => {
      if (recorded) return;
      recorded = true;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = routeLabel(req, this.fellThrough.has(req));
      this.duration.observe({ method: req.method, route, status_code: String(status) }, seconds);
    };
    res.once('finish', () => record(res.statusCode));
    res.once('close', () => record(res.writableFinished ? res.statusCode : CLIENT_CLOSED_STATUS));
    next();
  };

  private readonly markFellThrough: RequestHandler = (req, _res, next) => {
    this.fellThrough.add(req);
    next();
  };
}
