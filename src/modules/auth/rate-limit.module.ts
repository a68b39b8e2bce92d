import { Module } from '@nestjs/common';
import { RateLimitStorage } from './rate-limit.storage';

/** Holds the rate-limit storage so ThrottlerModule's async factory can inject it. */
@Module({ providers: [RateLimitStorage], exports: [RateLimitStorage] })
export class RateLimitModule {}
