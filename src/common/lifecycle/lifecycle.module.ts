import { Global, Module } from '@nestjs/common';
import { ShutdownState } from './shutdown-state';

/** Process lifecycle state every module may read (readiness during shutdown). */
@Global()
@Module({ providers: [ShutdownState], exports: [ShutdownState] })
export class LifecycleModule {}
