import { Injectable } from '@nestjs/common';

/** Whether this process has begun shutting down: readiness answers 503 from that moment. */
@Injectable()
export class ShutdownState {
  private startedAt: number | null = null;

  get draining(): boolean {
    return this.startedAt !== null;
  }

  begin(): void {
    this.startedAt ??= Date.now();
  }
}
