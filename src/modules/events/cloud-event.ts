import type { OutboxEvent } from '../outbox/outbox.event';

/** The `source` of every event Keel publishes (CloudEvents: a URI-reference naming the producer). */
export const CLOUD_EVENT_SOURCE = '/keel';
export const CLOUD_EVENT_CONTENT_TYPE = 'application/cloudevents+json';

/**
 * A domain event as a CloudEvents 1.0 JSON document (structured mode). `id` is the outbox row id,
 * the same on every redelivery, so consumers deduplicate on it; `entityversion` (an extension
 * attribute) is the aggregate's version, so they can order and drop stale events per `subject`.
 */
export interface KeelCloudEvent<TData = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  entityversion: number;
  data: TData;
}

/** The payload is what the emitting module wrote to the outbox: DTOs, never secrets. */
export function toCloudEvent(event: OutboxEvent): KeelCloudEvent {
  return {
    specversion: '1.0',
    id: event.id,
    source: CLOUD_EVENT_SOURCE,
    type: event.type,
    subject: event.aggregateId,
    time: event.occurredAt.toISOString(),
    datacontenttype: 'application/json',
    entityversion: event.version,
    data: event.payload,
  };
}
