import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Builds the context of one HTTP operation from Express's request and response. */
export type HttpContextFn<C extends BaseContext> = (source: {
  req: Request;
  res: Response;
}) => C | Promise<C>;

/** `?a=b` of a request URL (without any `#fragment`), or '' (what `url.parse(url).search ?? ''` gives). */
export function searchOf(url: string): string {
  const hash = url.indexOf('#');
  const end = hash === -1 ? url.length : hash;
  const query = url.indexOf('?');
  return query === -1 || query > end ? '' : url.slice(query, end);
}

/**
 * Apollo Server on Express, as `@as-integrations/express5`'s `expressMiddleware` does it (headers
 * copied into a HeaderMap, the body Keel's JSON middleware parsed, Apollo's status and headers on
 * the response), without its per-request `url.parse` (only the query string is needed) and with a
 * complete body written at once with its length. An absent body (a GET, or a POST without one) is
 * `{}`, as Nest's Apollo driver sets it.
 */
export function graphqlHttpHandler<C extends BaseContext>(
  server: ApolloServer<C>,
  context: HttpContextFn<C>,
): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const headers = new HeaderMap();
      const raw = req.headers;
      for (const key in raw) {
        const value = raw[key];
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const answer = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: req.method.toUpperCase(),
          headers,
          search: searchOf(req.url),
          body: (req.body as unknown) ?? {},
        },
        context: () => Promise.resolve(context({ req, res })),
      });
      for (const [key, value] of answer.headers) res.setHeader(key, value);
      res.statusCode = answer.status ?? 200;
      if (answer.body.kind === 'complete') {
        res.setHeader('Content-Length', Buffer.byteLength(answer.body.string));
        res.end(answer.body.string);
        return;
      }
      for await (const chunk of answer.body.asyncIterator) res.write(chunk);
      res.end();
    } catch (err) {
      next(err);
    }
  };
}
