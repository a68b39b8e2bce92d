import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Keyv from 'keyv';
import type { AppConfig } from '../config/configuration';
import { BoundedMap } from './bounded-map';
import { CacheStore } from './cache-store';

/** The embedded profile's cache: this process's memory, forgetting its least recently used entries. */
@Injectable()
export class MemoryCacheStore implements CacheStore {
  readonly keyv: Keyv;

  constructor(@Inject(ConfigService) config: ConfigService<AppConfig, true>) {
    this.keyv = new Keyv({
      store: new BoundedMap(config.get('cache', { infer: true }).memoryEntries),
    });
  }
}
