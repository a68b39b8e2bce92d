import { DataSource } from 'typeorm';
import { SESSION_EVENTS } from '../src/modules/auth/session.events';
import { componentName } from '../src/modules/events/asyncapi.document';
import type { KeelCloudEvent } from '../src/modules/events/cloud-event';
import { OutboxEventBus } from '../src/modules/outbox/outbox-event-bus';
import { USER_EVENTS } from '../src/modules/users/user.events';
import { login, signInAdmin, signUp, type SignedIn } from './helpers/auth';
import { EventTap } from './helpers/event-tap';
import { eventually } from './helpers/eventually';
import { createItem } from './helpers/items';
import { schemaErrors } from './helpers/json-schema';
import type { TestApp } from './helpers/test-app';
import { startAppWith } from './helpers/test-app-with';
import { describeWithRabbitMq, TEST_RABBITMQ_URL, uniqueExchange } from './helpers/with-rabbitmq';

interface SessionData {
  familyId: string;
  userId: string;
  reason: string;
}

/** Every key of a JSON value, nested ones included. */
const keysOf = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.flatMap(keysOf)
    : typeof value === 'object' && value !== null
      ? Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)])
      : [];

describeWithRabbitMq('user and session events on RabbitMQ', () => {
  const exchange = uniqueExchange('users');
  let tap: EventTap;
  let t: TestApp;
  let admin: SignedIn;
  let asyncapi: Record<string, unknown>;

  beforeAll(async () => {
    tap = await EventTap.open(exchange);
    t = await startAppWith({
      RABBITMQ_URL: TEST_RABBITMQ_URL,
      RABBITMQ_EXCHANGE: exchange,
      OUTBOX_SWEEP_MS: '200',
    });
    admin = await signInAdmin(t.http);
    asyncapi = (await t.http().get('/docs/asyncapi.json').expect(200)).body as Record<
      string,
      unknown
    >;
  });
  afterAll(async () => {
    await t?.close();
    await tap?.close();
  });

  /** The user events of one user, in arrival order. */
  const userEvents = (userId: string): KeelCloudEvent[] =>
    tap.of(userId).filter((e) => e.type.startsWith('user.'));
  /** The session events of one user's sessions, in arrival order. */
  const sessionEvents = (userId: string): Array<KeelCloudEvent<SessionData>> =>
    tap.messages
      .map((m) => m.event as KeelCloudEvent<SessionData>)
      .filter((e) => e.type === 'session.revoked' && e.data.userId === userId);
  const patchMe = (who: SignedIn, body: object) =>
    t.http().patch('/users/me').set('Authorization', who.bearer).send(body).expect(200);
  const adminPatch = (userId: string, body: object) =>
    t.http().patch(`/users/${userId}`).set('Authorization', admin.bearer).send(body).expect(200);

  /** Every message matches its CloudEvents schema in the served AsyncAPI document. */
  function expectValid(events: KeelCloudEvent[]): void {
    for (const event of events) {
      const schema = { $ref: `#/components/schemas/CloudEvent${componentName(event.type)}` };
      expect({ id: event.id, errors: schemaErrors(asyncapi, schema, event) }).toEqual({
        id: event.id,
        errors: [],
      });
    }
  }

  /** No secret-looking field, and none of the given secrets anywhere in the messages. */
  function expectNoSecrets(events: KeelCloudEvent[], secrets: string[]): void {
    expect(keysOf(events).filter((k) => /password|hash|token|secret/i.test(k))).toEqual([]);
    const raw = JSON.stringify(events);
    for (const secret of secrets) expect(raw).not.toContain(secret);
    // Argon2/bcrypt hashes and sha256 hex digests (refresh token hashes).
    expect(raw).not.toMatch(/\$argon2|\$2[aby]\$|[0-9a-f]{64}/);
  }

  it('each account change publishes one event after it commits, in version order per user', async () => {
    const user = await signUp(t.http);
    await patchMe(user, { displayName: 'Renamed' });
    const second = await login(t.http, user.email, user.password);
    const newPassword = `${user.password}-changed`;
    await patchMe(second, { password: newPassword, currentPassword: user.password });
    const third = await login(t.http, user.email, newPassword);
    await adminPatch(user.id, { role: 'admin' });
    await adminPatch(user.id, { isActive: false });
    await t.http().delete(`/users/${user.id}`).set('Authorization', admin.bearer).expect(204);

    await eventually(() =>
      expect(userEvents(user.id).map((e) => e.type)).toContain('user.deleted'),
    );
    await eventually(() => expect(sessionEvents(user.id)).toHaveLength(3));
    const events = userEvents(user.id);
    expect(
      events.map((e) => [e.type, e.entityversion, (e.data as { changed: string[] }).changed]),
    ).toEqual([
      ['user.registered', 1, []],
      ['user.updated', 2, ['displayName']],
      ['user.updated', 3, ['password']],
      ['user.updated', 4, ['role']],
      ['user.deactivated', 5, ['isActive']],
      ['user.deleted', 6, []],
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(6);
    expect(events[0]?.data).toMatchObject({
      user: { id: user.id, email: user.email, role: 'user', isActive: true },
    });
    expect(events[5]?.data).toMatchObject({
      user: { id: user.id, displayName: 'Renamed', role: 'admin', isActive: false },
    });
    for (const m of tap.messages.filter((x) => x.event.subject === user.id)) {
      expect(m.routingKey).toBe(m.event.type);
      expect(m.persistent).toBe(true);
      expect(m.messageId).toBe(m.event.id);
    }

    // The two sign-ins before the password change end with it; the one after, with deactivation.
    const sessions = sessionEvents(user.id);
    // Sorted: events of different families have no order between them.
    expect(sessions.map((e) => e.data.reason).sort()).toEqual([
      'account-deactivated',
      'password-changed',
      'password-changed',
    ]);
    for (const e of sessions) {
      expect(e.subject).toBe(e.data.familyId);
      expect(e.entityversion).toBeGreaterThanOrEqual(1);
    }
    expect(new Set(sessions.map((e) => e.subject)).size).toBe(3);
    expect(sessions.map((e) => e.subject)).not.toContain(user.id);

    const all = [...events, ...sessions];
    expectValid(all);
    expectNoSecrets(all, [
      user.password,
      newPassword,
      ...[user, second, third].flatMap((s) => [s.refreshToken, s.accessToken]),
    ]);
  });

  it('logout, refresh-token reuse and logout-all each end a session with one session.revoked', async () => {
    const user = await signUp(t.http);
    const reused = await login(t.http, user.email, user.password);
    const third = await login(t.http, user.email, user.password);

    await t.http().post('/auth/logout').send({ refreshToken: user.refreshToken }).expect(204);
    await t.http().post('/auth/refresh').send({ refreshToken: reused.refreshToken }).expect(200);
    // The rotated-out token again: theft. Twice: the second finds the family already ended.
    for (let n = 0; n < 2; n += 1) {
      await t.http().post('/auth/refresh').send({ refreshToken: reused.refreshToken }).expect(401);
    }
    // With a live session's token: the logged-out session's access token is refused now.
    await t.http().post('/auth/logout-all').set('Authorization', third.bearer).expect(204);
    // A later event of the same user: once it arrived, anything committed before it has too.
    const fresh = await login(t.http, user.email, user.password);
    await patchMe(fresh, { displayName: 'After' });

    await eventually(() =>
      expect(userEvents(user.id).map((e) => e.type)).toEqual(['user.registered', 'user.updated']),
    );
    await eventually(() => expect(sessionEvents(user.id)).toHaveLength(3));
    const sessions = sessionEvents(user.id);
    // By reason: events of different families have no order between them. The reused family had
    // two tokens (the first one and its rotation), both revoked at once: version 2.
    const byReason = Object.fromEntries(sessions.map((e) => [e.data.reason, e.entityversion]));
    expect(byReason).toEqual({ logout: 1, 'reuse-detected': 2, 'logout-all': 1 });
    expect(new Set(sessions.map((e) => e.subject)).size).toBe(3);
    expectValid(sessions);
    expectNoSecrets(sessions, [user.password, user.refreshToken, reused.refreshToken]);
  });

  it('a change that fails publishes nothing: email taken, a user who owns items', async () => {
    const owner = await signUp(t.http);
    await t
      .http()
      .post('/auth/register')
      .send({ email: owner.email.toUpperCase(), password: 'another-password', displayName: 'Dup' })
      .expect(409);
    await createItem(t.http, owner.bearer, { title: 'Owned' });
    await t.http().delete(`/users/${owner.id}`).set('Authorization', admin.bearer).expect(409);
    // The failed delete rolled back the session revocation with it: the session still works.
    await t.http().post('/auth/refresh').send({ refreshToken: owner.refreshToken }).expect(200);
    await patchMe(owner, { displayName: 'Marker' });

    await eventually(() =>
      expect(userEvents(owner.id).map((e) => e.type)).toContain('user.updated'),
    );
    expect(userEvents(owner.id).map((e) => [e.type, e.entityversion])).toEqual([
      ['user.registered', 1],
      ['user.updated', 2],
    ]);
    const registered = tap.messages.filter(
      (m) =>
        m.event.type === 'user.registered' &&
        (m.event.data as { user: { email: string } }).user.email === owner.email,
    );
    expect(registered).toHaveLength(1);
    expect(sessionEvents(owner.id)).toEqual([]);
    const rows = await t.app
      .get(DataSource)
      .query<Array<{ event_type: string }>>(
        'SELECT event_type FROM outbox WHERE aggregate_id = ?',
        [owner.id],
      );
    expect(rows.map((r) => r.event_type).sort()).toEqual(['user.registered', 'user.updated']);
  });

  it('user events go to the RabbitMQ publisher and (sign-up) the verification mail; session events also end live connections', () => {
    const bus = t.app.get(OutboxEventBus);
    // Sign-up also sends the verification mail (accounts module), in app; no user event reaches
    // search or realtime.
    const inAppOf = (type: string): string[] =>
      type === 'user.registered' ? ['UserRegisteredMailHandler'] : [];
    for (const type of USER_EVENTS) {
      expect({ type, inApp: bus.handlersOf(type) }).toEqual({ type, inApp: inAppOf(type) });
      expect(bus.handlersOf(type, 'rabbitmq')).toEqual(['RabbitMqEventPublisher']);
    }
    for (const type of SESSION_EVENTS) {
      // Not search; realtime only to disconnect the session's sockets and subscriptions.
      expect({ type, inApp: bus.handlersOf(type) }).toEqual({
        type,
        inApp: ['SessionRealtimeHandler'],
      });
      expect(bus.handlersOf(type, 'rabbitmq')).toEqual(['RabbitMqEventPublisher']);
    }
    // The item events do reach the in-app handlers: the lists above are not empty by accident.
    expect(bus.handlersOf('item.created').length).toBeGreaterThan(0);
  });
});
