/**
 * Port: the last version of each item sent to clients. The outbox delivers at least once; an event
 * whose version is not newer than the last one sent is a redelivery (or overtaken by a newer state)
 * and is dropped, so every socket sees each version once and versions only move forward. The
 * profile binds it (profile.providers.ts): in process, or in Redis where several processes
 * broadcast to the same sockets. An abstract class: the injection token and the interface at once.
 */
export abstract class DeliveryLedger {
  /** Whether `version` is newer than the last one sent; false means "drop the event". */
  abstract isNew(itemId: string, version: number): Promise<boolean>;

  /**
   * Records `version` as sent (never moving backwards). Called only after the emit: recording first
   * would lose the event when the record reached Redis but its reply did not (a cut connection, a
   * timed-out command) and the outbox's retry then found it "already sent".
   */
  abstract record(itemId: string, version: number): Promise<void>;
}
