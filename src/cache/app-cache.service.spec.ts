import type { ConfigService } from '@nestjs/config';
import type { Cache } from 'cache-manager';
import type { AppConfig } from '../config/configuration';
import { AppCache } from './app-cache.service';
import { CacheInvalidationBus, InvalidationListener } from './cache-invalidation.bus';

/** The store as a Map, counting reads; the bus always live, delivering nothing from elsewhere. */
function cacheWith(options: { nearTtlMs: number }): {
  cache: AppCache;
  store: Map<string, unknown>;
  reads: string[];
} {
  const store = new Map<string, unknown>();
  const reads: string[] = [];
  const manager = {
    get: (key: string) => {
      reads.push(key);
      return Promise.resolve(store.get(key));
    },
    set: (key: string, value: unknown) => {
      store.set(key, value);
      return Promise.resolve(value);
    },
    mdel: (keys: string[]) => {
      keys.forEach((k) => store.delete(k));
      return Promise.resolve(true);
    },
  } as unknown as Cache;
  class LiveBus extends CacheInvalidationBus {
    get live(): boolean {
      return true;
    }
    publish(): Promise<void> {
      return Promise.resolve();
    }
    listen(_listener: InvalidationListener): void {}
  }
  const settings = {
    timeoutMs: 1000,
    ttlSeconds: 60,
    memoryEntries: 100,
    nearTtlMs: options.nearTtlMs,
    nearEntries: 100,
  };
  const config = { get: () => settings } as unknown as ConfigService<AppConfig, true>;
  return { cache: new AppCache(manager, new LiveBus(), config), store, reads };
}

const profile = (id: string): { id: string } => ({ id });

describe('AppCache.getOrLoadMany', () => {
  it('loads only the keys found nowhere, in one call, and caches them', async () => {
    const { cache, store } = cacheWith({ nearTtlMs: 0 });
    store.set('a', profile('a'));
    const calls: string[][] = [];
    const load = (missing: string[]): Promise<Map<string, { id: string }>> => {
      calls.push(missing);
      return Promise.resolve(new Map(missing.map((k) => [k, profile(k)])));
    };

    const first = await cache.getOrLoadMany(['a', 'b', 'c', 'b'], 1000, load);
    expect([...first.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(calls).toEqual([['b', 'c']]);
    expect(store.get('c')).toEqual(profile('c'));

    await cache.getOrLoadMany(['a', 'b', 'c'], 1000, load);
    expect(calls).toHaveLength(1);
  });

  it('leaves out keys the loader does not know, and caches nothing for them', async () => {
    const { cache, store } = cacheWith({ nearTtlMs: 0 });
    const found = await cache.getOrLoadMany(['x'], 1000, () =>
      Promise.resolve(new Map<string, { id: string }>()),
    );
    expect(found.size).toBe(0);
    expect(store.has('x')).toBe(false);
  });

  it('does not cache a value loaded while its key was invalidated, but returns it', async () => {
    const { cache, store } = cacheWith({ nearTtlMs: 60_000 });
    const found = await cache.getOrLoadMany(['k'], 1000, async (missing) => {
      await cache.del('k');
      return new Map(missing.map((key) => [key, profile('old')]));
    });
    expect(found.get('k')).toEqual(profile('old'));
    expect(store.has('k')).toBe(false);
    expect(cache.peekNear('k')).toBeUndefined();
  });

  it('answers from the near cache without reading the store, until the key is dropped', async () => {
    const { cache, reads } = cacheWith({ nearTtlMs: 60_000 });
    const load = (missing: string[]): Promise<Map<string, { id: string }>> =>
      Promise.resolve(new Map(missing.map((k) => [k, profile(k)])));
    await cache.getOrLoadMany(['n'], 1000, load);
    expect(cache.peekNear('n')).toEqual(profile('n'));
    reads.length = 0;
    await cache.getOrLoadMany(['n'], 1000, load);
    expect(reads).toEqual([]);

    await cache.del('n');
    expect(cache.peekNear('n')).toBeUndefined();
  });
});
