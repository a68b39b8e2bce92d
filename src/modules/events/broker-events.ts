import { SESSION_EVENTS } from '../auth/session.events';
import { ITEM_EVENTS } from '../items/item.events';
import type { DomainEvent } from '../outbox/domain-event-map';
import { USER_EVENTS } from '../users/user.events';

/**
 * Every event Keel publishes to RabbitMQ, and what its CloudEvents `subject` and `entityversion`
 * are. The in-app handlers (search, realtime) each declare their own, narrower, list.
 */
export const BROKER_EVENT_GROUPS = [
  {
    events: ITEM_EVENTS,
    data: 'ItemEventData',
    subject: 'The item id.',
    version: 'The item version: order on it.',
  },
  {
    events: USER_EVENTS,
    data: 'UserEventData',
    subject: 'The user id.',
    version: 'The user version: order on it.',
  },
  {
    events: SESSION_EVENTS,
    data: 'SessionRevokedData',
    subject: "The session's refresh-token family id.",
    version: 'How many of the family tokens are revoked: grows with each revocation.',
  },
] as const;

export const BROKER_EVENTS = [...ITEM_EVENTS, ...USER_EVENTS, ...SESSION_EVENTS] as const;
export type BrokerEvent = DomainEvent<(typeof BROKER_EVENTS)[number]>;
