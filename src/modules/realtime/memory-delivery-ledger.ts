import { Injectable } from '@nestjs/common';
import { DeliveryLedger } from './delivery-ledger';

const MEMORY_ENTRIES = 100_000;

/** The embedded profile's ledger: a bounded map in this process (the only one broadcasting). */
@Injectable()
export class MemoryDeliveryLedger implements DeliveryLedger {
  private readonly memory = new Map<string, number>();

  advance(itemId: string, version: number): Promise<boolean> {
    const last = this.memory.get(itemId) ?? 0;
    if (version <= last) return Promise.resolve(false);
    this.memory.delete(itemId);
    this.memory.set(itemId, version);
    if (this.memory.size > MEMORY_ENTRIES) {
      const oldest = this.memory.keys().next().value;
      if (oldest !== undefined) this.memory.delete(oldest);
    }
    return Promise.resolve(true);
  }
}
