import { deactivate, signAccessToken, signUp, SignedIn } from './helpers/auth';
import { createItem, ItemBody, MISSING_ID } from './helpers/items';
import { schemaErrors } from './helpers/json-schema';
import { connectSocket, nextEvent, receivedEvent, request, TestSocket } from './helpers/socket';
import { startApp, TestApp } from './helpers/test-app';

type Json = Record<string, unknown>;

interface ItemMessage {
  item: { id: string; title?: string };
  version: number;
  reason?: string;
}

/**
 * Server events of the realtime channel this file does not produce, each with the reason. Any
 * other event the document lists must be received below, so that a new one cannot slip by.
 */
const NOT_PRODUCED_HERE: Record<string, string> = {
  // Sent only while the process shuts down (test/shutdown.e2e-spec.ts, realtime-scaleout).
  'server:shutdown': 'needs the app to stop while sockets are connected',
};

describe('Realtime payloads match the AsyncAPI document', () => {
  let t: TestApp;
  let doc: Json;
  let owner: SignedIn;
  let stranger: SignedIn;
  const sockets: TestSocket[] = [];

  /** Follows a local `$ref` (and the `$ref` it lands on) to the node it names. */
  const resolve = (node: Json): Json => {
    let current = node;
    while (typeof current.$ref === 'string') {
      const target = current.$ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((n, part) => (n as Json | undefined)?.[part], doc);
      if (!target) throw new Error(`unresolved ${current.$ref}`);
      current = target as Json;
    }
    return current;
  };
  /** The messages of one realtime operation, by event name. */
  const operationMessages = (operation: string): Map<string, Json> => {
    const op = (doc.operations as Record<string, Json>)[operation];
    const messages = (op.messages as Json[]).map(resolve);
    return new Map(messages.map((m) => [m.name as string, m.payload as Json]));
  };
  const serverMessages = (): Map<string, Json> => operationMessages('realtimeServerEvents');
  const clientMessages = (): Map<string, Json> => operationMessages('realtimeClientMessages');
  const ackSchema: Json = { $ref: '#/components/schemas/RealtimeAck' };

  const connect = async (token: string): Promise<TestSocket> => {
    const s = await connectSocket(t.url, token);
    sockets.push(s);
    return s;
  };
  /** Sends a client message whose payload the document must accept; checks the ack too. */
  const send = async (s: TestSocket, event: string, payload: Json) => {
    const schema = clientMessages().get(event);
    expect(schema).toBeDefined();
    expect({ event, errors: schemaErrors(doc, schema as Json, payload) }).toEqual({
      event,
      errors: [],
    });
    const answer = await request(s.socket, event, payload);
    expect({ event, errors: schemaErrors(doc, ackSchema, answer) }).toEqual({ event, errors: [] });
    return answer;
  };
  const signToken = (userId: string, expiresInSeconds: number): string =>
    signAccessToken(t.config, userId, expiresInSeconds);
  const patch = (id: string, body: object) =>
    t.http().patch(`/items/${id}`).set('Authorization', owner.bearer).send(body).expect(200);

  beforeAll(async () => {
    t = await startApp({ REALTIME_SESSION_CHECK_MS: '300', REALTIME_AUTH_GRACE_MS: '1000' });
    doc = (await t.http().get('/docs/asyncapi.json').expect(200)).body as Json;
    owner = await signUp(t.http);
    stranger = await signUp(t.http);
  });

  afterAll(async () => {
    for (const s of sockets) s.socket.close();
    await t.close();
  });

  it('lists every client message and server event of the realtime channel', () => {
    expect([...clientMessages().keys()].sort()).toEqual([
      'auth:refresh',
      'feed:subscribe',
      'feed:unsubscribe',
      'items:subscribe',
      'items:unsubscribe',
    ]);
    for (const name of Object.keys(NOT_PRODUCED_HERE))
      expect(serverMessages().has(name)).toBe(true);
  });

  it('item.created, item.updated, item.deleted and item.restored', async () => {
    const s = await connect(stranger.accessToken);
    expect(await send(s, 'feed:subscribe', {})).toEqual({ ok: true });
    const item = await createItem(t.http, owner.bearer);
    const isItem = (m: ItemMessage) => m.item.id === item.id;
    await receivedEvent(s, 'item.created', isItem);
    expect(await send(s, 'items:subscribe', { itemId: item.id })).toEqual({ ok: true });
    await patch(item.id, { title: 'Checked against the document' });
    await receivedEvent(s, 'item.updated', isItem);
    await t.http().delete(`/items/${item.id}`).set('Authorization', owner.bearer).expect(204);
    await receivedEvent(s, 'item.deleted', isItem);
    await t.http().post(`/items/${item.id}/restore`).set('Authorization', owner.bearer).expect(200);
    await receivedEvent(s, 'item.restored', isItem);
    expect(await send(s, 'items:unsubscribe', { itemId: item.id })).toEqual({ ok: true });
    expect(await send(s, 'feed:unsubscribe', {})).toEqual({ ok: true });
  });

  it('item.deleted with reason unpublished', async () => {
    const item = await createItem(t.http, owner.bearer);
    const s = await connect(stranger.accessToken);
    expect(await send(s, 'items:subscribe', { itemId: item.id })).toEqual({ ok: true });
    const draft = (await patch(item.id, { status: 'draft' })).body as ItemBody;
    expect(
      await receivedEvent<ItemMessage>(s, 'item.deleted', (m) => m.item.id === item.id),
    ).toEqual({ item: { id: item.id }, version: draft.version, reason: 'unpublished' });
  });

  it('error acks (invalid_payload, not_found, unknown_event) and realtime:error', async () => {
    const s = await connect(owner.accessToken);
    const invalid = { itemId: 'not-a-uuid' };
    // The document must refuse what the server refuses.
    expect(schemaErrors(doc, clientMessages().get('items:subscribe') as Json, invalid)).not.toEqual(
      [],
    );
    const answers = [
      await request(s.socket, 'items:subscribe', invalid),
      await send(s, 'items:subscribe', { itemId: MISSING_ID }),
      await request(s.socket, 'items:destroy', { itemId: MISSING_ID }),
    ];
    expect(answers.map((a) => a.error?.code)).toEqual([
      'invalid_payload',
      'not_found',
      'unknown_event',
    ]);
    for (const answer of answers) expect(schemaErrors(doc, ackSchema, answer)).toEqual([]);
    s.socket.emit('what-is-this');
    await receivedEvent(s, 'realtime:error');
  });

  it('auth:expired, and the auth:refresh that answers it', async () => {
    const s = await connect(signToken(owner.id, 2));
    await receivedEvent(s, 'auth:expired', () => true, 5000);
    const refused = await send(s, 'auth:refresh', { token: 'garbage' });
    expect(refused.error?.code).toBe('unauthorized');
    expect(await send(s, 'auth:refresh', { token: owner.accessToken })).toEqual({ ok: true });
  });

  it('auth:revoked when the user is deactivated', async () => {
    const victim = await signUp(t.http);
    const s = await connect(victim.accessToken);
    const disconnected = nextEvent<string>(s.socket, 'disconnect', 5000);
    await deactivate(t.http, victim);
    expect(await disconnected).toBe('io server disconnect');
    await receivedEvent(s, 'auth:revoked', () => true, 1000);
  });

  it('every received payload matches its message, and every server event was received', () => {
    const documented = serverMessages();
    const received = sockets.flatMap((s) => s.received);
    const errors = received.flatMap(({ event, payload }) => {
      const schema = documented.get(event);
      if (!schema) return [`${event}: not in the document`];
      return schemaErrors(doc, schema, payload).map((e) => `${event}: ${e}`);
    });
    expect(errors).toEqual([]);
    const seen = new Set(received.map((r) => r.event));
    const missing = [...documented.keys()].filter(
      (name) => !seen.has(name) && !(name in NOT_PRODUCED_HERE),
    );
    expect(missing).toEqual([]);
    const deletedForms = received.filter((r) => r.event === 'item.deleted');
    expect(deletedForms.some((r) => 'reason' in (r.payload as Json))).toBe(true);
    expect(deletedForms.some((r) => !('reason' in (r.payload as Json)))).toBe(true);
  });
});
