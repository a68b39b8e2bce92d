import {
  createClient,
  type Client,
  type FormattedExecutionResult as ExecutionResult,
} from 'graphql-ws';
import WebSocket from 'ws';

export interface WsSubscription<T> {
  /** The next result, or a failure past the deadline. */
  next(timeoutMs?: number): Promise<ExecutionResult<T, unknown>>;
  /** True when no result arrives within `ms` (for "receives nothing"). */
  quietFor(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface WsClient {
  client: Client;
  /** The close event, once the server closed the connection. */
  closed: Promise<{ code: number; reason: string }>;
  subscribe<T>(query: string, variables?: Record<string, unknown>): WsSubscription<T>;
}

/**
 * Waits until a subscription is live: repeats `cause` (a write the subscription should report)
 * until a result arrives, and returns that result. No fixed sleep: a subscription is registered
 * on the server some time after the client sent it, and only an event shows that it is.
 */
export async function untilLive<T>(
  subscription: WsSubscription<T>,
  cause: () => Promise<unknown>,
  deadlineMs = 10_000,
): Promise<ExecutionResult<T, unknown>> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    await cause();
    if (!(await subscription.quietFor(250))) return subscription.next();
  }
  throw new Error('the subscription never received an event');
}

/** A graphql-ws client of `baseUrl`/graphql, with the access token in connection_init. */
export function connectGraphqlWs(baseUrl: string, accessToken?: string): WsClient {
  let onClosed: (event: { code: number; reason: string }) => void = () => undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClosed = resolve));
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
    retryAttempts: 0,
    lazy: false,
    on: {
      closed: (event) => {
        const e = event as { code: number; reason: string };
        onClosed({ code: e.code, reason: String(e.reason) });
      },
    },
    onNonLazyError: () => undefined,
  });
  return {
    client,
    closed,
    subscribe<T>(query: string, variables: Record<string, unknown> = {}): WsSubscription<T> {
      const iterator = client.iterate<T>({ query, variables });
      let pending: Promise<IteratorResult<ExecutionResult<T, unknown>>> | null = null;
      const take = (): Promise<IteratorResult<ExecutionResult<T, unknown>>> => {
        const next = pending ?? iterator.next();
        pending = next;
        return next;
      };
      const within = async <R>(p: Promise<R>, ms: number): Promise<R | 'timeout'> => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)));
        try {
          return await Promise.race([p, timeout]);
        } finally {
          clearTimeout(timer);
        }
      };
      return {
        async next(timeoutMs = 10_000) {
          const result = await within(take(), timeoutMs);
          if (result === 'timeout') throw new Error('no subscription result in time');
          pending = null;
          if (result.done) throw new Error('the subscription completed');
          return result.value;
        },
        async quietFor(ms: number) {
          return (await within(take(), ms)) === 'timeout';
        },
        async close() {
          await iterator.return?.();
        },
      };
    },
  };
}
