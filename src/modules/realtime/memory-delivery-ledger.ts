import { Injectable } from '@nestjs/common';
import { DeliveryLedger } from './delivery-ledger';

const MEMORY_ENTRIES = 100_000;

/** The embedded profile's ledger: a bounded map in this process (the only one broadcasting). */
@Injectable()
export class MemoryDeliveryLedger implements DeliveryLedger {
  private readonly memory = new Map<string, number>();

  isNew(itemId: string, version: number): Promise<boolean> {
    return Promise.resolve(version > (this.memory.get(itemId) ?? 0));
  }

  record(itemId: string, version: number): Promise<void> {
    if (version <= (this.memory.get(itemId) ?? 0)) return Promise.resolve();
    this.memory.delete(itemId);
    this.memory.set(itemId, version);
    if (this.memory.size > MEMORY_ENTRIES) {
      const oldest = this.memory.keys().next().value;
      if (oldest !== undefined) this.memory.delete(oldest);
    }
    return Promise.resolve();
  }
}
