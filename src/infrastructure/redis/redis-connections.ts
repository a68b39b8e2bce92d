import { Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import type { AppConfig } from '../../config/configuration';

/** Fail at once while Redis is away instead of queueing: the caller has a fallback. */
const failFast = { enableOfflineQueue: false, maxRetriesPerRequest: 1 } satisfies RedisOptions;
/** Queue commands while Redis is away: for callers that neither await nor catch them. */
const queueing = { maxRetriesPerRequest: null } satisfies RedisOptions;

/**
 * Each use of Redis and how its connection behaves when Redis is slow or away. Roles that connect
 * lazily do so on first use (see `connected`), so a process that never uses one opens no socket.
 */
const ROLES = {
  /** cache-manager's store; AppCache bounds each call and falls back to the database. */
  cache: {
    ...failFast,
    lazyConnect: true,
    connectTimeout: 2000,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  },
  /** Rate-limit counters; past 500 ms the limiter counts in memory instead. */
  'rate-limit': { ...failFast, lazyConnect: true, connectTimeout: 2000, commandTimeout: 500 },
  /** The realtime delivery ledger; a failure leaves the event to the outbox's retry. */
  ledger: failFast,
  /**
   * The near cache's invalidation subscriber: reconnects by itself; the bus subscribes again on
   * each `ready` and treats the time in between as "might have missed something".
   */
  'cache-sub': {
    connectTimeout: 2000,
    autoResubscribe: false,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  },
  /** Readiness PING. */
  health: { ...failFast, lazyConnect: true, connectTimeout: 1500 },
  /** Outbox wake-ups after a commit; a failed one leaves the rows to the relay's sweep. */
  'wake-pub': { ...failFast, lazyConnect: true, connectTimeout: 2000 },
  /** A relay's subscription to wake-ups; ioredis resubscribes after a reconnect. */
  'wake-sub': queueing,
  /** socket.io adapter and emitter publishing, and the adapter's subscriber connection. */
  'socket-pub': queueing,
  'socket-sub': queueing,
  /** The realtime room bus's subscriber (GraphQL subscriptions), in subscriber mode. */
  'room-bus-sub': queueing,
} satisfies Record<string, RedisOptions>;

export type RedisRole = keyof typeof ROLES;

/** How long shutdown waits for a connected client's QUIT before dropping it. */
const QUIT_TIMEOUT_MS = 1000;

/**
 * The process's Redis connections (full-stack profile only): one per role, created on first use
 * and closed together at shutdown, after the socket.io server has closed (so the adapter can
 * unsubscribe first) and after every module that uses them has stopped. Every key a role writes
 * starts with `keyPrefix`. Bull opens its own three clients from `url` and `keyPrefix`.
 */
export class RedisConnections implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnections.name);
  private readonly clients = new Map<RedisRole, Redis>();
  private readonly connecting = new Map<RedisRole, Promise<void>>();
  private closed = false;
  readonly url: string;
  readonly keyPrefix: string;

  constructor(settings: NonNullable<AppConfig['redis']>) {
    this.url = settings.url;
    this.keyPrefix = settings.keyPrefix;
  }

  /** The role's client, created on the first call (never after shutdown: it would stay open). */
  client(role: RedisRole): Redis {
    let client = this.clients.get(role);
    if (!client) {
      if (this.closed) {
        throw new Error('Redis connections are closed: the process is shutting down');
      }
      client = new Redis(this.url, ROLES[role]);
      client.on('error', (error: Error) =>
        this.logger.warn({ event: 'redis.error', role, error: error.message }),
      );
      this.clients.set(role, client);
    }
    return client;
  }

  /**
   * The role's client, connecting a lazy one first (its first command would otherwise fail fast
   * while the socket opens). A failed connect is not thrown: the command that follows fails.
   */
  async connected(role: RedisRole): Promise<Redis> {
    const client = this.client(role);
    if (!this.closed && (client.status === 'wait' || client.status === 'end')) {
      let pending = this.connecting.get(role);
      if (!pending) {
        pending = client
          .connect()
          .catch(() => undefined)
          .finally(() => this.connecting.delete(role));
        this.connecting.set(role, pending);
      }
      await pending;
    }
    return client;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.clients.values()].map(async (client) => {
        if (client.status === 'ready') {
          const timeout = new Promise((resolve) => setTimeout(resolve, QUIT_TIMEOUT_MS).unref());
          await Promise.race([client.quit(), timeout]).catch(() => undefined);
        }
        client.disconnect();
      }),
    );
  }
}
