import { ROLES } from '../../common/auth/role';
import { SESSION_END_REASONS } from '../auth/session.events';
import { ITEM_STATUSES } from '../items/item-status';
import { ITEM_EVENTS } from '../items/item.events';
import { CLIENT_MESSAGES, REALTIME_NAMESPACE, SERVER_EVENTS } from '../realtime/realtime.contract';
import { USER_FIELDS } from '../users/user.events';
import { BROKER_EVENT_GROUPS } from './broker-events';
import { CLOUD_EVENT_CONTENT_TYPE, CLOUD_EVENT_SOURCE } from './cloud-event';

type Json = Record<string, unknown>;

const ref = (path: string): Json => ({ $ref: `#/${path}` });
/** `item.created` → `ItemCreated`, for component names (tests find schemas with it too). */
export const componentName = (name: string): string =>
  name
    .split(/[.:]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

const baseSchemas: Record<string, Json> = {
  Item: {
    type: 'object',
    description: 'An item as GET /items/{id} returns it.',
    required: [
      'id',
      'ownerId',
      'title',
      'body',
      'tags',
      'status',
      'version',
      'createdAt',
      'updatedAt',
    ],
    additionalProperties: false,
    properties: {
      id: { type: 'string', format: 'uuid' },
      ownerId: { type: 'string', format: 'uuid' },
      title: { type: 'string' },
      body: { type: 'string' },
      tags: { type: 'array', items: { type: 'string' } },
      status: { type: 'string', enum: [...ITEM_STATUSES] },
      version: { type: 'integer', minimum: 1 },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
    },
  },
  ItemEventData: {
    type: 'object',
    required: ['item', 'previousStatus'],
    additionalProperties: false,
    properties: {
      item: ref('components/schemas/Item'),
      previousStatus: {
        description: 'The status before the change; null on item.created.',
        oneOf: [{ type: 'string', enum: [...ITEM_STATUSES] }, { type: 'null' }],
      },
    },
  },
  User: {
    type: 'object',
    description: 'A user as the admin API returns it: never a password, hash or token.',
    required: [
      'id',
      'email',
      'displayName',
      'role',
      'isActive',
      'emailVerified',
      'createdAt',
      'updatedAt',
    ],
    additionalProperties: false,
    properties: {
      id: { type: 'string', format: 'uuid' },
      email: { type: 'string' },
      displayName: { type: 'string' },
      role: { type: 'string', enum: [...ROLES] },
      isActive: { type: 'boolean' },
      emailVerified: { type: 'boolean' },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
    },
  },
  UserEventData: {
    type: 'object',
    required: ['user', 'changed'],
    additionalProperties: false,
    properties: {
      user: ref('components/schemas/User'),
      changed: {
        type: 'array',
        description:
          'The fields the change set; empty on user.registered and user.deleted. "password" says only that it changed.',
        items: { type: 'string', enum: [...USER_FIELDS] },
      },
    },
  },
  SessionRevokedData: {
    type: 'object',
    description: 'A session (the refresh-token family of one sign-in) ended.',
    required: ['familyId', 'userId', 'reason'],
    additionalProperties: false,
    properties: {
      familyId: { type: 'string', format: 'uuid' },
      userId: { type: 'string', format: 'uuid' },
      reason: { type: 'string', enum: [...SESSION_END_REASONS] },
    },
  },
  RealtimeItemEvent: {
    type: 'object',
    required: ['item', 'version'],
    additionalProperties: false,
    properties: { item: ref('components/schemas/Item'), version: { type: 'integer' } },
  },
  RealtimeAck: {
    description:
      'The acknowledgement of every client message: {"ok":true}, or {"ok":false,"error":{"code","message"}}.',
    oneOf: [
      {
        type: 'object',
        required: ['ok'],
        additionalProperties: false,
        properties: { ok: { const: true } },
      },
      {
        type: 'object',
        required: ['ok', 'error'],
        additionalProperties: false,
        properties: {
          ok: { const: false },
          error: {
            type: 'object',
            required: ['code', 'message'],
            additionalProperties: false,
            properties: { code: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    ],
  },
  RealtimeItemWithdrawn: {
    type: 'object',
    description: 'item.deleted to subscribers who may no longer read an unpublished item.',
    required: ['item', 'version', 'reason'],
    additionalProperties: false,
    properties: {
      item: {
        type: 'object',
        required: ['id'],
        additionalProperties: false,
        properties: { id: { type: 'string', format: 'uuid' } },
      },
      version: { type: 'integer' },
      reason: { type: 'string', const: 'unpublished' },
    },
  },
};

/** The CloudEvents envelope of one event type, `data` being its module's payload. */
function cloudEventSchema(
  type: string,
  group: { data: string; subject: string; version: string },
): Json {
  return {
    type: 'object',
    required: [
      'specversion',
      'id',
      'source',
      'type',
      'subject',
      'time',
      'datacontenttype',
      'entityversion',
      'data',
    ],
    additionalProperties: false,
    properties: {
      specversion: { type: 'string', const: '1.0' },
      id: { type: 'string', format: 'uuid', description: 'Outbox row id: deduplicate on it.' },
      source: { type: 'string', const: CLOUD_EVENT_SOURCE },
      type: { type: 'string', const: type },
      subject: { type: 'string', format: 'uuid', description: group.subject },
      time: { type: 'string', format: 'date-time', description: 'When the change committed.' },
      datacontenttype: { type: 'string', const: 'application/json' },
      entityversion: { type: 'integer', minimum: 1, description: group.version },
      data: ref(`components/schemas/${group.data}`),
    },
  };
}

const CLIENT_PAYLOADS: Record<(typeof CLIENT_MESSAGES)[number], Json> = {
  'items:subscribe': {
    type: 'object',
    required: ['itemId'],
    properties: { itemId: { type: 'string', format: 'uuid' } },
  },
  'items:unsubscribe': {
    type: 'object',
    required: ['itemId'],
    properties: { itemId: { type: 'string', format: 'uuid' } },
  },
  'feed:subscribe': { type: 'object' },
  'feed:unsubscribe': { type: 'object' },
  'auth:refresh': {
    type: 'object',
    required: ['token'],
    properties: { token: { type: 'string' } },
  },
};

const SERVER_PAYLOADS: Record<string, Json> = {
  [SERVER_EVENTS.authExpired]: {
    type: 'object',
    required: ['expiredAt', 'graceMs'],
    properties: {
      expiredAt: { type: 'string', format: 'date-time' },
      graceMs: { type: 'integer' },
    },
  },
  [SERVER_EVENTS.authRevoked]: {
    type: 'object',
    required: ['reason'],
    properties: { reason: { type: 'string' } },
  },
  [SERVER_EVENTS.error]: {
    type: 'object',
    required: ['event', 'code', 'message'],
    properties: {
      event: { type: 'string' },
      code: { type: 'string' },
      message: { type: 'string' },
    },
  },
  [SERVER_EVENTS.shutdown]: {
    type: 'object',
    required: ['reason', 'reconnect'],
    properties: { reason: { const: 'shutdown' }, reconnect: { const: true } },
  },
};

/**
 * The AsyncAPI 3.0 document of Keel's messages, served at /docs/asyncapi.json: every RabbitMQ
 * message (CloudEvents on the topic exchange, one channel per routing key) and every socket.io
 * message of the realtime namespace, both ways. Built from the same constants the code uses
 * (event names, statuses, client messages), and checked against the messages actually sent by
 * test/events.e2e-spec.ts.
 */
export function buildAsyncApiDocument(exchange = 'keel.events'): Json {
  const schemas: Record<string, Json> = { ...baseSchemas };
  const messages: Record<string, Json> = {};
  const channels: Record<string, Json> = {};
  const operations: Record<string, Json> = {};

  const brokerEvents = BROKER_EVENT_GROUPS.flatMap((group) =>
    group.events.map((type) => ({ type, group })),
  );
  for (const { type, group } of brokerEvents) {
    const name = `Broker${componentName(type)}`;
    schemas[`CloudEvent${componentName(type)}`] = cloudEventSchema(type, group);
    messages[name] = {
      name: type,
      title: `${type} (CloudEvents)`,
      contentType: CLOUD_EVENT_CONTENT_TYPE,
      payload: ref(`components/schemas/CloudEvent${componentName(type)}`),
      bindings: { amqp: { messageType: type, bindingVersion: '0.3.0' } },
    };
    channels[`broker.${type}`] = {
      address: type,
      description: `Routing key ${type} on the ${exchange} topic exchange.`,
      servers: [ref('servers/rabbitmq')],
      messages: { [name]: ref(`components/messages/${name}`) },
      bindings: {
        amqp: {
          is: 'routingKey',
          exchange: { name: exchange, type: 'topic', durable: true, autoDelete: false, vhost: '/' },
          bindingVersion: '0.3.0',
        },
      },
    };
    operations[`publish${componentName(type)}`] = {
      action: 'send',
      channel: ref(`channels/broker.${type}`),
      messages: [ref(`channels/broker.${type}/messages/${name}`)],
      // Persistent messages, on a confirm channel.
      bindings: { amqp: { deliveryMode: 2, ack: true, bindingVersion: '0.3.0' } },
    };
  }

  const realtimeMessages: Record<string, Json> = {};
  for (const type of ITEM_EVENTS) {
    const name = `Realtime${componentName(type)}`;
    messages[name] = {
      name: type,
      payload:
        type === 'item.deleted'
          ? {
              oneOf: [
                ref('components/schemas/RealtimeItemEvent'),
                ref('components/schemas/RealtimeItemWithdrawn'),
              ],
            }
          : ref('components/schemas/RealtimeItemEvent'),
    };
    realtimeMessages[name] = ref(`components/messages/${name}`);
  }
  for (const [event, payload] of Object.entries(SERVER_PAYLOADS)) {
    const name = `Realtime${componentName(event)}`;
    messages[name] = { name: event, payload };
    realtimeMessages[name] = ref(`components/messages/${name}`);
  }
  const clientNames: string[] = [];
  for (const [event, payload] of Object.entries(CLIENT_PAYLOADS)) {
    const name = `Client${componentName(event)}`;
    clientNames.push(name);
    messages[name] = {
      name: event,
      payload,
      description:
        'Acknowledged with {"ok":true} or {"ok":false,"error":{"code","message"}} (components/schemas/RealtimeAck).',
    };
    realtimeMessages[name] = ref(`components/messages/${name}`);
  }
  channels.realtime = {
    address: REALTIME_NAMESPACE,
    description: 'The socket.io namespace (Authorization: Bearer token in the handshake).',
    servers: [ref('servers/realtime')],
    messages: realtimeMessages,
  };
  operations.realtimeServerEvents = {
    action: 'send',
    channel: ref('channels/realtime'),
    messages: Object.keys(realtimeMessages)
      .filter((name) => !clientNames.includes(name))
      .map((name) => ref(`channels/realtime/messages/${name}`)),
  };
  operations.realtimeClientMessages = {
    action: 'receive',
    channel: ref('channels/realtime'),
    messages: clientNames.map((name) => ref(`channels/realtime/messages/${name}`)),
  };

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Keel events',
      version: '1.0.0',
      description:
        'Domain events on RabbitMQ (with RABBITMQ_URL) and the socket.io realtime namespace. See docs/events.md and docs/realtime.md.',
    },
    defaultContentType: 'application/json',
    servers: {
      rabbitmq: { host: 'localhost:5672', protocol: 'amqp', description: 'RABBITMQ_URL' },
      realtime: {
        host: 'localhost:3000',
        protocol: 'ws',
        description: 'socket.io over the API port',
      },
    },
    channels,
    operations,
    components: { schemas, messages },
  };
}
