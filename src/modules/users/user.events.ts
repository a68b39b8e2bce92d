import { declareDomainEvents } from '../outbox/domain-event-map';
import type { DomainEvent } from '../outbox/domain-event-map';
import type { UserDto } from './dto/user.dto';

/** The events the users module emits through the outbox (subject: the user id). */
export const USER_EVENTS = declareDomainEvents([
  'user.registered',
  'user.updated',
  'user.deactivated',
  'user.deleted',
] as const);
export type UserEventType = (typeof USER_EVENTS)[number];

/** What a change touched. `password` says only that it changed: never the password or its hash. */
export const USER_FIELDS = [
  'displayName',
  'role',
  'isActive',
  'password',
  'email',
  'emailVerified',
] as const;
export type UserField = (typeof USER_FIELDS)[number];

export interface UserEventPayload {
  /** The account as the admin API returns it, after the change (user.deleted: as it was). */
  user: UserDto;
  /** The fields this change set (empty for user.registered and user.deleted). */
  changed: UserField[];
}

declare module '../outbox/domain-event-map' {
  interface DomainEventMap {
    'user.registered': UserEventPayload;
    'user.updated': UserEventPayload;
    'user.deactivated': UserEventPayload;
    'user.deleted': UserEventPayload;
  }
}

export type UserEvent = DomainEvent<UserEventType>;
