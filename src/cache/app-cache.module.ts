import { CacheModule } from '@nestjs/cache-manager';
import { Global, Module } from '@nestjs/common';
import { AppCache } from './app-cache.service';
import { CacheStore, CacheStoreModule } from './cache-store.provider';

/** cache-manager over the store chosen once, in CacheStore, from the configuration. */
@Global()
@Module({
  imports: [
    CacheModule.registerAsync({
      imports: [CacheStoreModule],
      inject: [CacheStore],
      useFactory: (store: CacheStore) => ({ stores: [store.keyv] }),
    }),
  ],
  providers: [AppCache],
  exports: [AppCache],
})
export class AppCacheModule {}
