/**
 * Port: the last version of each item sent to clients. The outbox delivers at least once; an event
 * whose version is not newer than the last one sent is a redelivery (or overtaken by a newer state)
 * and is dropped, so every socket sees each version once and versions only move forward. The
 * profile binds it (profile.providers.ts): in process, or in Redis where several processes
 * broadcast to the same sockets. An abstract class: the injection token and the interface at once.
 */
export abstract class DeliveryLedger {
  /** Records `version` as sent if it is newer than the last one; false means "drop the event". */
  abstract advance(itemId: string, version: number): Promise<boolean>;
}
