import { Injectable } from '@nestjs/common';
import { OutboxWakeSignal } from './outbox-wake-signal';

/** Embedded profile: the only relay is this process's, which the commit wakes directly. */
@Injectable()
export class LocalOutboxWakeSignal extends OutboxWakeSignal {
  notify(): void {}

  subscribe(): void {}
}
