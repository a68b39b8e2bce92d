import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Cache } from 'cache-manager';
import type { AppConfig } from '../config/configuration';
import { CacheInvalidationBus } from './cache-invalidation.bus';
import { NearCache } from './near-cache';

export interface CacheStats {
  /** every hit, the near cache's included */
  hits: number;
  /** hits served by the near cache alone */
  nearHits: number;
  misses: number;
  errors: number;
}

const RETRY_MS = 1000;

/**
 * The cache as the rest of Keel sees it: cache-aside reads that can never fail a request. When the
 * store (Redis) errors or is slow, reads fall through to the database and writes are skipped; both
 * are logged and counted. Invalidations that fail are retried in the background until the store
 * answers again, so a stale entry cannot outlive a Redis outage by more than the retry interval.
 *
 * In front of the store sits the near cache (this process's memory, CACHE_NEAR_TTL_MS), used only
 * while the invalidation bus is live: an invalidation here clears it at once, one in another
 * process reaches it through the bus, and one missed while the bus is down cannot matter because
 * the near cache is bypassed and cleared then.
 */
@Injectable()
export class AppCache implements OnModuleDestroy {
  private readonly logger = new Logger(AppCache.name);
  private readonly timeoutMs: number;
  private readonly pendingDeletes = new Set<string>();
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly near: NearCache;
  readonly stats: CacheStats = { hits: 0, nearHits: 0, misses: 0, errors: 0 };

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly bus: CacheInvalidationBus,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    const settings = config.get('cache', { infer: true });
    this.timeoutMs = settings.timeoutMs;
    this.near = new NearCache(settings.nearTtlMs, settings.nearEntries);
    bus.listen((keys) => (keys === 'all' ? this.near.clear() : this.near.invalidate(keys)));
  }

  /**
   * The cached value of `key`, else `load()`'s, which is then cached for `ttlMs` (null: nothing to
   * cache). A value read before an invalidation of `key` is returned but not cached.
   */
  async getOrLoad<T extends object>(
    key: string,
    ttlMs: number,
    load: () => Promise<T | null>,
  ): Promise<T | null> {
    const useNear = this.near.enabled && this.bus.live;
    if (useNear) {
      const near = this.near.get<T>(key);
      if (near !== undefined) {
        this.stats.hits += 1;
        this.stats.nearHits += 1;
        return near;
      }
    }
    const ticket = this.near.begin();
    const stored = await this.get<T>(key);
    if (stored !== undefined) {
      if (useNear && !this.near.isStale(key, ticket)) this.near.set(key, stored);
      return stored;
    }
    const loaded = await load();
    if (loaded === null || this.near.isStale(key, ticket)) return loaded;
    if (useNear) this.near.set(key, loaded);
    await this.set(key, loaded, ttlMs);
    return loaded;
  }

  /**
   * The value of `key` if this process's near cache holds it (no I/O, answered synchronously),
   * else undefined: the first step of getOrLoad, for callers whose fast path must not await.
   */
  peekNear<T extends object>(key: string): T | undefined {
    if (!this.near.enabled || !this.bus.live) return undefined;
    const near = this.near.get<T>(key);
    if (near !== undefined) {
      this.stats.hits += 1;
      this.stats.nearHits += 1;
    }
    return near;
  }

  /**
   * getOrLoad for several keys in one go: each key's cached value (near cache, then the store,
   * read in parallel), and for the keys found nowhere one call of `loadMissing`, whose values are
   * cached for `ttlMs` under the same rule (a value read before an invalidation of its key is
   * returned but not cached). Keys with no value are absent from the result.
   */
  async getOrLoadMany<T extends object>(
    keys: readonly string[],
    ttlMs: number,
    loadMissing: (missing: string[]) => Promise<Map<string, T>>,
  ): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    const useNear = this.near.enabled && this.bus.live;
    const rest: string[] = [];
    for (const key of new Set(keys)) {
      const near = useNear ? this.near.get<T>(key) : undefined;
      if (near === undefined) {
        rest.push(key);
        continue;
      }
      this.stats.hits += 1;
      this.stats.nearHits += 1;
      found.set(key, near);
    }
    if (rest.length === 0) return found;
    const ticket = this.near.begin();
    const stored = await Promise.all(rest.map((key) => this.get<T>(key)));
    const missing: string[] = [];
    rest.forEach((key, i) => {
      const value = stored[i];
      if (value === undefined) {
        missing.push(key);
        return;
      }
      if (useNear && !this.near.isStale(key, ticket)) this.near.set(key, value);
      found.set(key, value);
    });
    if (missing.length === 0) return found;
    const loaded = await loadMissing(missing);
    const writes: Promise<void>[] = [];
    for (const key of missing) {
      const value = loaded.get(key);
      if (value === undefined) continue;
      found.set(key, value);
      if (this.near.isStale(key, ticket)) continue;
      if (useNear) this.near.set(key, value);
      writes.push(this.set(key, value, ttlMs));
    }
    await Promise.all(writes);
    return found;
  }

  private async get<T>(key: string): Promise<T | undefined> {
    if (this.pendingDeletes.has(key)) return undefined;
    try {
      const value = await this.withTimeout(this.cache.get<T>(key));
      if (value === undefined || value === null) {
        this.stats.misses += 1;
        return undefined;
      }
      this.stats.hits += 1;
      return value;
    } catch (error) {
      this.failed('get', error);
      return undefined;
    }
  }

  private async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    if (this.pendingDeletes.has(key)) return;
    try {
      await this.withTimeout(this.cache.set(key, value, ttlMs));
    } catch (error) {
      this.failed('set', error);
    }
  }

  /**
   * Removes keys, here at once and in the other processes' near caches through the bus; a failure
   * is retried until the store answers (and reads skip the key meanwhile).
   */
  async del(...keys: string[]): Promise<void> {
    this.near.invalidate(keys);
    try {
      await this.withTimeout(Promise.all([this.cache.mdel(keys), this.bus.publish(keys)]));
      keys.forEach((k) => this.pendingDeletes.delete(k));
    } catch (error) {
      this.failed('del', error);
      keys.forEach((k) => this.pendingDeletes.add(k));
      this.scheduleRetry();
    }
  }

  onModuleDestroy(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      const keys = [...this.pendingDeletes];
      if (keys.length > 0) void this.del(...keys);
    }, RETRY_MS);
    this.retryTimer.unref();
  }

  private failed(op: string, error: unknown): void {
    this.stats.errors += 1;
    this.logger.warn({ event: 'cache.unavailable', op, error: (error as Error).message });
  }

  private withTimeout<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`cache timed out after ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    // The loser of the race may still reject later (Redis gone); keep that rejection handled.
    promise.catch(() => undefined);
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}
