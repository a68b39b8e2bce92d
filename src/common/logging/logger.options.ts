import type { Params } from 'nestjs-pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { AppConfig } from '../../config/configuration';

/** Where lines go (pino's DestinationStream): stdout unless a test passes its own. */
type DestinationStream = { write(line: string): void };

/** Keel's root pino logger: pino-http's serializers for `req`, `res` and `err`, redaction compiled once. */
export type RootLogger = HttpLogger['logger'];

/** Never logged: credentials in headers and bodies. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.refreshToken',
  '*.accessToken',
];

/**
 * The root logger, built by pino-http exactly as its middleware built it (its wrapped `req`/`res`/
 * `err` serializers), but without the middleware: `requestLoggerMiddleware` writes the request
 * lines (configureApp mounts it).
 */
export function buildRootLogger(
  log: AppConfig['log'],
  destination?: DestinationStream,
): RootLogger {
  return pinoHttp(
    {
      level: log.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      transport: log.pretty
        ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
        : undefined,
    },
    destination,
  ).logger;
}

/**
 * nestjs-pino's Logger and PinoLogger over the root logger. `useExisting` with no routes: its own
 * per-request middlewares (pino-http, then binding the request's logger) are not mounted; the
 * request context comes from `requestLoggerMiddleware`, through the same storage.
 */
export function buildLoggerParams(log: AppConfig['log']): Params {
  return { pinoHttp: { logger: buildRootLogger(log) }, useExisting: true, forRoutes: [] };
}

/** The root logger inside the params built above (configureApp reads it from the module). */
export function rootLoggerOf(params: Params): RootLogger {
  const passed = params.pinoHttp;
  if (typeof passed !== 'object' || passed === null || !('logger' in passed) || !passed.logger) {
    throw new Error('logger params without a root logger (buildLoggerParams builds them)');
  }
  return passed.logger;
}
