import { CacheModule } from '@nestjs/cache-manager';
import { Global, Module } from '@nestjs/common';
import { AppCache } from './app-cache.service';
import { CacheStore } from './cache-store';

/** cache-manager over the CacheStore the profile binds (memory or Redis). */
@Global()
@Module({
  imports: [
    CacheModule.registerAsync({
      inject: [CacheStore],
      useFactory: (store: CacheStore) => ({ stores: [store.keyv] }),
    }),
  ],
  providers: [AppCache],
  exports: [AppCache],
})
export class AppCacheModule {}
