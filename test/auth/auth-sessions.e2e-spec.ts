import { randomBytes } from 'node:crypto';
import { buildUserInput } from '../factories/user.factory';
import { login, signUp, SignedIn } from '../helpers/auth';
import { expectProblem } from '../helpers/expect-problem';
import { expectGraphqlError, gql } from '../helpers/graphql';
import { connectGraphqlWs, untilLive, WsClient } from '../helpers/graphql-ws';
import { createItem, MISSING_ID } from '../helpers/items';
import { connectSocket, receivedEvent, request, TestSocket } from '../helpers/socket';
import { startApp, TestApp } from '../helpers/test-app';
import { TEST_REDIS_URL } from '../helpers/test-database';
import { describeWithRedis } from '../helpers/with-redis';

interface Session {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

const FEED = 'subscription { feed { type itemId } }';

/**
 * GET/DELETE /auth/sessions. The periodic session check is set far beyond the test's length, so
 * a socket or subscription that closes was closed by the session.revoked event, not by the check.
 */
describe('Sessions (signed-in devices)', () => {
  let t: TestApp;
  const sockets: TestSocket[] = [];
  const clients: WsClient[] = [];

  beforeAll(async () => {
    t = await startApp({ REALTIME_SESSION_CHECK_MS: '600000' });
  });
  afterAll(async () => {
    for (const s of sockets) s.socket.close();
    for (const c of clients) await c.client.dispose();
    await t.close();
  });

  /** Signs in (a new session) from a given user agent. */
  async function signInFrom(user: { email: string; password: string }, agent: string) {
    const res = await t
      .http()
      .post('/auth/login')
      .set('User-Agent', agent)
      .send({ email: user.email, password: user.password })
      .expect(200);
    const body = res.body as { accessToken: string; refreshToken: string };
    return { ...body, bearer: `Bearer ${body.accessToken}` };
  }

  const list = async (bearer: string): Promise<Session[]> =>
    (await t.http().get('/auth/sessions').set('Authorization', bearer).expect(200))
      .body as Session[];

  it('lists the live sessions, newest first, with device details and the current one marked', async () => {
    const input = buildUserInput();
    await t.http().post('/auth/register').send(input).expect(201);
    const phone = await signInFrom(input, 'Phone/1.0');
    const laptop = await signInFrom(input, 'Laptop/2.0');

    const fromLaptop = await list(laptop.bearer);
    expect(fromLaptop.map((s) => [s.userAgent, s.current])).toEqual([
      ['Laptop/2.0', true],
      ['Phone/1.0', false],
    ]);
    expect(fromLaptop[0]).toEqual({
      id: expect.any(String),
      createdAt: expect.any(String),
      lastUsedAt: expect.any(String),
      ip: expect.stringMatching(/127\.0\.0\.1/),
      userAgent: 'Laptop/2.0',
      current: true,
    });
    const fromPhone = await list(phone.bearer);
    expect(fromPhone.find((s) => s.current)?.userAgent).toBe('Phone/1.0');

    // A refresh is a use: last used moves on, and the device details follow the latest request.
    const before = fromPhone.find((s) => s.current);
    const refreshed = await t
      .http()
      .post('/auth/refresh')
      .set('User-Agent', 'Phone/1.1')
      .send({ refreshToken: phone.refreshToken })
      .expect(200);
    const after = (
      await list(`Bearer ${(refreshed.body as { accessToken: string }).accessToken}`)
    ).find((s) => s.current);
    expect(after?.id).toBe(before?.id);
    expect(after?.userAgent).toBe('Phone/1.1');
    expect(Date.parse(after?.lastUsedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(before?.lastUsedAt ?? ''),
    );
    expect(after?.createdAt).toBe(before?.createdAt);
  });

  it('deleting one ends its refresh and access tokens, socket and subscription; the others go on', async () => {
    const user = await signUp(t.http);
    const doomed = await signInFrom(user, 'Doomed/1.0');
    const kept = await signInFrom(user, 'Kept/1.0');
    const doomedId = (await list(doomed.bearer)).find((s) => s.current)?.id ?? '';

    const doomedSocket = await connectSocket(t.url, doomed.accessToken);
    const keptSocket = await connectSocket(t.url, kept.accessToken);
    sockets.push(doomedSocket, keptSocket);
    // One acknowledged message each: the server has attached them (rooms joined) by now.
    expect(await request(doomedSocket.socket, 'feed:subscribe')).toEqual({ ok: true });
    expect(await request(keptSocket.socket, 'feed:subscribe')).toEqual({ ok: true });

    const doomedWs = connectGraphqlWs(t.url, doomed.accessToken);
    const keptWs = connectGraphqlWs(t.url, kept.accessToken);
    clients.push(doomedWs, keptWs);
    const doomedFeed = doomedWs.subscribe(FEED);
    const keptFeed = keptWs.subscribe(FEED);
    const publish = () => createItem(t.http, user.bearer, { status: 'published' });
    await untilLive(doomedFeed, publish);
    await untilLive(keptFeed, publish);

    const disconnected = new Promise<string>((resolve) =>
      doomedSocket.socket.once('disconnect', (reason) => resolve(reason)),
    );
    await t
      .http()
      .delete(`/auth/sessions/${doomedId}`)
      .set('Authorization', kept.bearer)
      .expect(204);

    // Refused at once: its refresh token, and its access token (the cached session state is dropped).
    expectProblem(
      await t.http().post('/auth/refresh').send({ refreshToken: doomed.refreshToken }),
      401,
      'refresh_token_invalid',
    );
    expectProblem(
      await t.http().get('/users/me').set('Authorization', doomed.bearer),
      401,
      'token_invalid',
    );
    // Its socket is told and disconnected; its GraphQL connection is closed with 4401.
    expect(await receivedEvent(doomedSocket, 'auth:revoked')).toEqual({ reason: 'session_ended' });
    expect(await disconnected).toBe('io server disconnect');
    expect(await doomedWs.closed).toEqual({ code: 4401, reason: 'token_invalid' });

    // The other session is untouched.
    await t.http().get('/users/me').set('Authorization', kept.bearer).expect(200);
    expect(keptSocket.socket.connected).toBe(true);
    expect(await request(keptSocket.socket, 'feed:unsubscribe')).toEqual({ ok: true });
    await untilLive(keptFeed, publish);
    // signUp's own sign-in (no user agent) is live too.
    expect((await list(kept.bearer)).map((s) => s.userAgent)).toEqual(['Kept/1.0', null]);
    await t.http().post('/auth/refresh').send({ refreshToken: kept.refreshToken }).expect(200);
  });

  it('another user’s session is not found (404, as an unknown id), and stays live', async () => {
    const alice = await signUp(t.http);
    const mallory = await signUp(t.http);
    const aliceSession = (await list(alice.bearer))[0]?.id ?? '';
    expectProblem(
      await t.http().delete(`/auth/sessions/${aliceSession}`).set('Authorization', mallory.bearer),
      404,
      'session_not_found',
    );
    expectProblem(
      await t.http().delete(`/auth/sessions/${MISSING_ID}`).set('Authorization', mallory.bearer),
      404,
      'session_not_found',
    );
    expectProblem(
      await t.http().delete('/auth/sessions/not-a-uuid').set('Authorization', mallory.bearer),
      400,
      'validation_failed',
    );
    await t.http().get('/users/me').set('Authorization', alice.bearer).expect(200);
    expect((await list(alice.bearer)).map((s) => s.id)).toEqual([aliceSession]);
  });

  it('a session ended by logout leaves the list, and its id cannot be deleted again', async () => {
    const user = await signUp(t.http);
    const second: SignedIn = await login(t.http, user.email, user.password);
    const [newest, oldest] = await list(second.bearer);
    await t.http().post('/auth/logout').send({ refreshToken: user.refreshToken }).expect(204);
    expect((await list(second.bearer)).map((s) => s.id)).toEqual([newest?.id]);
    // The logged-out session's access token is refused too (same check as a deleted session).
    expectProblem(
      await t.http().get('/users/me').set('Authorization', user.bearer),
      401,
      'token_invalid',
    );
    expectProblem(
      await t.http().delete(`/auth/sessions/${oldest?.id}`).set('Authorization', second.bearer),
      404,
      'session_not_found',
    );
  });

  it('GraphQL: sessions lists them with the current one marked; endSession ends only your own', async () => {
    const user = await signUp(t.http);
    const other = await signUp(t.http);
    const second = await login(t.http, user.email, user.password);
    const listed = await gql<{ sessions: Array<{ id: string; current: boolean }> }>(
      t.http,
      '{ sessions { id current userAgent ip createdAt lastUsedAt } }',
      { bearer: second.bearer },
    );
    expect(listed.errors).toEqual([]);
    const [newest, oldest] = listed.data?.sessions ?? [];
    expect([newest?.current, oldest?.current]).toEqual([true, false]);

    const END = 'mutation($id: ID!) { endSession(id: $id) }';
    expectGraphqlError(
      await gql(t.http, END, { variables: { id: oldest?.id }, bearer: other.bearer }),
      'session_not_found',
    );
    await t.http().get('/users/me').set('Authorization', user.bearer).expect(200);
    const ended = await gql<{ endSession: boolean }>(t.http, END, {
      variables: { id: oldest?.id },
      bearer: second.bearer,
    });
    expect(ended.data).toEqual({ endSession: true });
    expectProblem(
      await t.http().get('/users/me').set('Authorization', user.bearer),
      401,
      'token_invalid',
    );
  });

  it('sessions need a signed-in caller', async () => {
    expectProblem(await t.http().get('/auth/sessions'), 401, 'token_invalid');
  });
});

/**
 * Two API processes sharing the database and Redis: a session deleted through A is refused by B at
 * once (its near cache is invalidated over the cache bus), and its socket and subscription on B
 * are closed (socket.io's Redis adapter, the Redis RoomBus), whichever process relays the event.
 */
describeWithRedis('Sessions across two instances (Redis)', () => {
  let a: TestApp;
  let b: TestApp;
  const sockets: TestSocket[] = [];
  const clients: WsClient[] = [];

  beforeAll(async () => {
    const shared = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `keel-test:sess-${process.pid}-${randomBytes(3).toString('hex')}:`,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      TWO_FACTOR_KEY: randomBytes(32).toString('base64url'),
      REALTIME_SESSION_CHECK_MS: '600000',
    };
    a = await startApp(shared);
    b = await startApp(shared, a.infra);
  });
  afterAll(async () => {
    for (const s of sockets) s.socket.close();
    for (const c of clients) await c.client.dispose();
    await b?.close();
    await a?.close();
  });

  it('deleting a session on A ends its token, socket and subscription on B', async () => {
    const user = await signUp(a.http);
    const doomed = await login(a.http, user.email, user.password);
    // B has the session's state in its near cache before the delete.
    await b.http().get('/users/me').set('Authorization', doomed.bearer).expect(200);
    const doomedId = (
      (await b.http().get('/auth/sessions').set('Authorization', doomed.bearer).expect(200))
        .body as Session[]
    ).find((s) => s.current)?.id;

    const socket = await connectSocket(b.url, doomed.accessToken);
    sockets.push(socket);
    expect(await request(socket.socket, 'feed:subscribe')).toEqual({ ok: true });
    const ws = connectGraphqlWs(b.url, doomed.accessToken);
    clients.push(ws);
    await untilLive(ws.subscribe(FEED), () =>
      createItem(a.http, user.bearer, { status: 'published' }),
    );

    await a
      .http()
      .delete(`/auth/sessions/${doomedId}`)
      .set('Authorization', user.bearer)
      .expect(204);

    expectProblem(
      await b.http().get('/users/me').set('Authorization', doomed.bearer),
      401,
      'token_invalid',
    );
    expect(await receivedEvent(socket, 'auth:revoked')).toEqual({ reason: 'session_ended' });
    expect(await ws.closed).toEqual({ code: 4401, reason: 'token_invalid' });
    await b.http().get('/users/me').set('Authorization', user.bearer).expect(200);
  });
});
