import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppCache } from '../../cache/app-cache.service';
import type { AppConfig } from '../../config/configuration';
import type { ItemDto } from './dto/item.dto';

/** Cache-aside storage of single live items, by id. */
@Injectable()
export class ItemCache {
  private readonly ttlMs: number;

  constructor(
    private readonly cache: AppCache,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.ttlMs = config.get('cache', { infer: true }).ttlSeconds * 1000;
  }

  static key(id: string): string {
    return `item:${id}`;
  }

  /** The cached item, else `load()`'s (cached unless null). */
  getOrLoad(id: string, load: () => Promise<ItemDto | null>): Promise<ItemDto | null> {
    return this.cache.getOrLoad(ItemCache.key(id), this.ttlMs, load);
  }

  invalidate(id: string): Promise<void> {
    return this.cache.del(ItemCache.key(id));
  }
}
