import { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import type { Express, NextFunction, Request, Response } from 'express';
import type { HelmetOptions } from 'helmet';
import { Logger, PARAMS_PROVIDER_TOKEN, type Params } from 'nestjs-pino';
import { rootLoggerOf } from './common/logging/logger.options';
import { requestLoggerMiddleware } from './common/logging/request-logger';
import { chain } from './common/http/chain';
import { formBodyMiddleware } from './common/http/form-body.middleware';
import { jsonBodyMiddleware } from './common/http/json-body.middleware';
import { requestIdMiddleware } from './common/http/request-id.middleware';
import { reserveMount } from './common/http/reserved-mount';
import { helmetHeaders, staticHeadersMiddleware } from './common/http/security-headers';
import { buildAsyncApiDocument } from './modules/events/asyncapi.document';
import { HttpMetrics } from './modules/metrics/http-metrics';
import { applyServerTimeouts } from './common/http/server-timeouts';
import { createValidationPipe } from './common/http/validation';
import type { AppConfig } from './config/configuration';

/** Helmet's options for every route but /graphql. */
export const SECURITY_HEADERS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
};
/** Helmet's options for /graphql: no CSP (Apollo's landing page sends its own). */
export const GRAPHQL_SECURITY_HEADERS: Readonly<HelmetOptions> = { contentSecurityPolicy: false };

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Keel API')
    .setDescription(
      'REST API of Keel. Errors are application/problem+json (RFC 9457). Sign in with POST /auth/login, ' +
        'then use "Authorize" with the accessToken.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'access-token')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * Everything the HTTP server needs besides the module graph, shared by main.ts and the e2e tests so
 * that tests exercise exactly what production runs.
 */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get<ConfigService<AppConfig, true>>(ConfigService);
  const http = config.get('http', { infer: true });

  app.useLogger(app.get(Logger));
  applyServerTimeouts(app.getHttpServer(), http.timeouts);
  app.set('trust proxy', http.trustProxy);
  app.disable('x-powered-by');
  // Keel sets its own ETags where they mean something (items); Express hashing every body to make
  // one costs CPU on every list. Conditional GETs still work on the ETags Keel sets.
  app.set('etag', false);
  // Helmet's headers, computed once at boot (helmetHeaders refuses any per-request directive).
  // No upgrade-insecure-requests: Swagger UI must keep working on plain-http development hosts.
  const headers = helmetHeaders(SECURITY_HEADERS);
  // /graphql answers JSON, or Apollo's landing page, which carries its own nonce-based CSP (a
  // second, stricter policy from helmet would block the page's scripts).
  const graphqlHeaders = helmetHeaders(GRAPHQL_SECURITY_HEADERS);
  // The fixed path of every request, one Express layer, in this order: metrics first, so that every
  // response is timed, including those the middleware below sends itself; the request id, then the
  // request logger, so that every line of the request carries the id and responses sent before
  // routing are logged; then the security headers.
  app.use(
    chain(
      app.get(HttpMetrics).middleware,
      requestIdMiddleware,
      requestLoggerMiddleware(rootLoggerOf(app.get<Params>(PARAMS_PROVIDER_TOKEN))),
      staticHeadersMiddleware((path) => (path === '/graphql' ? graphqlHeaders : headers)),
    ),
  );
  // Without allowed origins, the cors middleware only copied its options and called next: a
  // cross-origin request gets no CORS headers either way.
  if (http.corsOrigins.length > 0) {
    app.enableCors({
      origin: http.corsOrigins,
      credentials: true,
      exposedHeaders: ['ETag', 'Location', 'Retry-After', 'X-Request-Id'],
    });
  }
  // Only /auth and /graphql read a cookie (the refresh token, scoped to each of them): parsing the
  // Cookie header of every other request produced nothing. /graphql parses it only in the few
  // resolvers that read it (RefreshCookie.read), not on every query.
  app.use('/auth', cookieParser());
  // The pages mailed links open post plain HTML forms; every other route takes JSON only.
  const json = jsonBodyMiddleware(http.bodyLimit);
  const form = formBodyMiddleware(http.bodyLimit);
  app.use((req: Request, res: Response, next: NextFunction) =>
    (req.path.startsWith('/account/') ? form : json)(req, res, next),
  );
  // Apollo's handler, created later by the GraphQL module, takes this place: after the body
  // middleware, before the REST routes Nest registers at init, which /graphql would walk past.
  const server: Express = app.getHttpAdapter().getInstance();
  reserveMount(server, '/graphql');
  app.useGlobalPipes(createValidationPipe());

  // The messages' contract (RabbitMQ and socket.io), beside the HTTP one; before Swagger's /docs.
  const asyncApi = buildAsyncApiDocument(config.get('rabbitmq', { infer: true })?.exchange);
  server.get('/docs/asyncapi.json', (_req: Request, res: Response) => {
    res.json(asyncApi);
  });

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
