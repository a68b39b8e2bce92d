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

type DurationLabels = Readonly<Record<'method' | 'route' | 'status_code', string>>;

/**
 * One frozen label object per method, route template and status, made the first time it is seen:
 * finite (Node's parser admits known methods only; templates and statuses are Keel's), and no
 * object or status string allocated per request.
 */
class LabelSets {
  private readonly byMethod = new Map<string, Map<string, Map<number, DurationLabels>>>();

  of(method: string, route: string, status: number): DurationLabels {
    let byRoute = this.byMethod.get(method);
    if (byRoute === undefined) {
      byRoute = new Map<string, Map<number, DurationLabels>>();
      this.byMethod.set(method, byRoute);
    }
    let byStatus = byRoute.get(route);
    if (byStatus === undefined) {
      byStatus = new Map<number, DurationLabels>();
      byRoute.set(route, byStatus);
    }
    let labels = byStatus.get(status);
    if (labels === undefined) {
      labels = Object.freeze({ method, route, status_code: String(status) });
      byStatus.set(status, labels);
    }
    return labels;
  }
}

/** `http_request_duration_seconds{method,route,status_code}` for every response, errors included. */
@Injectable()
export class HttpMetrics implements OnModuleInit {
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly fellThrough = new WeakSet<Request>();
  private readonly labels = new LabelSets();

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
    // 'close' follows 'finish' on every response, and alone marks one the client gave up on.
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED_STATUS;
      const route = routeLabel(req, this.fellThrough.has(req));
      this.duration.observe(this.labels.of(req.method, route, status), seconds);
    });
    next();
  };

  private readonly markFellThrough: RequestHandler = (req, _res, next) => {
    this.fellThrough.add(req);
    next();
  };
}
