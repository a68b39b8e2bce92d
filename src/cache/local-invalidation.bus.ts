import { Injectable } from '@nestjs/common';
import { CacheInvalidationBus } from './cache-invalidation.bus';

/** The embedded profile: one process, so there is nobody else to tell and nothing to miss. */
@Injectable()
export class LocalInvalidationBus extends CacheInvalidationBus {
  get live(): boolean {
    return true;
  }

  publish(): Promise<void> {
    return Promise.resolve();
  }

  listen(): void {
    // Nothing is ever heard from another process.
  }
}
