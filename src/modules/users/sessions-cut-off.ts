import type { EntityManager } from 'typeorm';

/** Why every session of an account ended, as a change to the account says it. */
export type AccountSessionsEndReason =
  'logout-all' | 'password-changed' | 'account-deactivated' | 'account-deleted';

/**
 * The sessions side of an account change, run in the change's transaction: it ends the account's
 * refresh-token families and records their session.revoked events with it. The auth module owns
 * sessions and depends on users, so it attaches itself (UsersService.attachSessions) instead of
 * users importing auth.
 */
export interface SessionsCutOff {
  endAllIn(
    manager: EntityManager,
    userId: string,
    at: Date,
    reason: AccountSessionsEndReason,
  ): Promise<void>;
}
