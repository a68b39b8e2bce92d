import type { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * Port: where the sign-in and sign-up rate limits count. The profile binds it
 * (profile.providers.ts): this process's memory, or Redis so that every API process counts
 * together. An abstract class so that it is the injection token and the interface at once.
 */
export abstract class RateLimitStorage implements ThrottlerStorage {
  abstract increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord>;
}
