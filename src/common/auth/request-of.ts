import type { ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AuthUser } from './role';

export type AuthRequest = Request & { user?: AuthUser };

/** What a GraphQL resolver receives as its context (built in src/modules/graphql). */
export interface GraphqlContext {
  req: AuthRequest;
  res: Response;
}

/**
 * The HTTP request behind a route or a resolver, so that the global guards and @CurrentUser apply
 * to REST and GraphQL alike (a resolver's third argument is the GraphQL context holding `req`).
 */
export function requestOf(context: ExecutionContext): AuthRequest {
  if (context.getType<string>() === 'graphql') {
    return context.getArgByIndex<GraphqlContext>(2).req;
  }
  return context.switchToHttp().getRequest<AuthRequest>();
}

/** The response a route or resolver answers on (for cookies and rate-limit headers). */
export function responseOf(context: ExecutionContext): Response {
  if (context.getType<string>() === 'graphql') {
    return context.getArgByIndex<GraphqlContext>(2).res;
  }
  return context.switchToHttp().getResponse<Response>();
}
