import { declareDomainEvents } from '../outbox/domain-event-map';
import type { DomainEvent } from '../outbox/domain-event-map';

/**
 * Why a session (one sign-in's refresh-token family) ended. Includes the users module's
 * AccountSessionsEndReason (SessionsService.endAllIn passes those on: the compiler checks it).
 */
export const SESSION_END_REASONS = [
  'logout',
  'session-deleted',
  'logout-all',
  'reuse-detected',
  'password-changed',
  'account-deactivated',
  'account-deleted',
  'account-unavailable',
] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/** Who and why, never a token or its hash. */
export interface SessionRevokedPayload {
  familyId: string;
  userId: string;
  reason: SessionEndReason;
}

/** The events the sessions layer emits through the outbox (subject: the refresh-token family id). */
export const SESSION_EVENTS = declareDomainEvents(['session.revoked'] as const);

declare module '../outbox/domain-event-map' {
  interface DomainEventMap {
    'session.revoked': SessionRevokedPayload;
  }
}

export type SessionEvent = DomainEvent<(typeof SESSION_EVENTS)[number]>;
