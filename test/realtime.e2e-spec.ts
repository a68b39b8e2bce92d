import { signAccessToken, signInAdmin, signUp, SignedIn } from './helpers/auth';
import { eventually } from './helpers/eventually';
import { createItem, ItemBody } from './helpers/items';
import {
  connectError,
  connectSocket,
  nextEvent,
  openSocket,
  receivedEvent,
  request,
  TestSocket,
} from './helpers/socket';
import { startApp, TestApp } from './helpers/test-app';

interface ItemMessage {
  item: { id: string; status?: string; title?: string };
  version: number;
  reason?: string;
}

const MAX_SUBSCRIPTIONS = 3;
const RATE_LIMIT = 10;
const GRACE_MS = 1500;

describe('Realtime (/realtime namespace)', () => {
  let t: TestApp;
  let owner: SignedIn;
  let stranger: SignedIn;
  let admin: SignedIn;
  const sockets: TestSocket[] = [];

  const connect = async (user: SignedIn | string): Promise<TestSocket> => {
    const s = await connectSocket(t.url, typeof user === 'string' ? user : user.accessToken);
    sockets.push(s);
    return s;
  };
  const patch = (user: SignedIn, id: string, body: object) =>
    t.http().patch(`/items/${id}`).set('Authorization', user.bearer).send(body).expect(200);
  const signToken = (userId: string, expiresInSeconds: number): string =>
    signAccessToken(t.config, userId, expiresInSeconds);
  /**
   * A published item whose item.created has already been fanned out (the owner's socket got it),
   * so a socket that subscribes afterwards cannot receive that creation late, however busy the
   * relay is.
   */
  const createDelivered = async (): Promise<ItemBody> => {
    const watcher = await connect(owner);
    const item = await createItem(t.http, owner.bearer);
    await receivedEvent<ItemMessage>(watcher, 'item.created', (m) => m.item.id === item.id);
    return item;
  };
  const itemEvents = (s: TestSocket, itemId: string) =>
    s.received.filter((r) => (r.payload as ItemMessage | undefined)?.item?.id === itemId);
  /** Bounded wait for negative checks: nothing about the item may arrive within 500 ms. */
  const settle = () => new Promise((r) => setTimeout(r, 500));

  beforeAll(async () => {
    t = await startApp({
      REALTIME_MAX_SUBSCRIPTIONS: String(MAX_SUBSCRIPTIONS),
      REALTIME_RATE_LIMIT: String(RATE_LIMIT),
      REALTIME_AUTH_GRACE_MS: String(GRACE_MS),
      REALTIME_SESSION_CHECK_MS: '300',
    });
    owner = await signUp(t.http);
    stranger = await signUp(t.http);
    admin = await signInAdmin(t.http);
  });

  afterEach(() => {
    for (const s of sockets.splice(0)) s.socket.close();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('handshake', () => {
    it('refuses a connection without a token with unauthorized', async () => {
      const error = await connectError(openSocket(t.url));
      expect(error.message).toBe('unauthorized');
      expect(error.data).toMatchObject({ code: 'unauthorized' });
    });

    it('refuses a bad token with unauthorized', async () => {
      const error = await connectError(openSocket(t.url, { token: 'not-a-jwt' }));
      expect(error.data?.code).toBe('unauthorized');
    });

    it('refuses an expired token with token_expired', async () => {
      const error = await connectError(openSocket(t.url, { token: signToken(owner.id, -10) }));
      expect(error.message).toBe('token_expired');
      expect(error.data?.code).toBe('token_expired');
    });

    it('accepts the token in auth.token or in the Authorization header', async () => {
      await connect(owner);
      const viaHeader = openSocket(t.url, { header: owner.bearer });
      await new Promise<void>((resolve, reject) => {
        viaHeader.once('connect', resolve);
        viaHeader.once('connect_error', reject);
      });
      viaHeader.close();
    });
  });

  describe('messages', () => {
    it('acknowledges subscribe and unsubscribe', async () => {
      const item = await createDelivered();
      const s = await connect(stranger);
      expect(await request(s.socket, 'items:subscribe', { itemId: item.id })).toEqual({ ok: true });
      expect(await request(s.socket, 'feed:subscribe')).toEqual({ ok: true });
      expect(await request(s.socket, 'items:unsubscribe', { itemId: item.id })).toEqual({
        ok: true,
      });
      expect(await request(s.socket, 'feed:unsubscribe')).toEqual({ ok: true });

      await patch(owner, item.id, { title: 'After unsubscribing' });
      await settle();
      expect(itemEvents(s, item.id)).toEqual([]);
    });

    it('answers invalid payloads with invalid_payload', async () => {
      const s = await connect(owner);
      for (const body of [{}, { itemId: 'nope' }, 'text', [1], { itemId: null }]) {
        const answer = await request(s.socket, 'items:subscribe', body);
        expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
      }
      const extra = await request(s.socket, 'items:subscribe', {
        itemId: '00000000-0000-4000-8000-000000000000',
        evil: true,
      });
      expect(extra.error?.code).toBe('invalid_payload');
      expect(s.socket.connected).toBe(true);
    });

    it('answers unknown events with unknown_event, by ack or realtime:error', async () => {
      const s = await connect(owner);
      const answer = await request(s.socket, 'items:destroy', { itemId: 'x' });
      expect(answer).toMatchObject({ ok: false, error: { code: 'unknown_event' } });
      const error = nextEvent<{ code: string; event: string }>(s.socket, 'realtime:error');
      s.socket.emit('what-is-this');
      expect(await error).toMatchObject({ code: 'unknown_event', event: 'what-is-this' });
      expect(await request(s.socket, 'feed:subscribe')).toEqual({ ok: true });
    });

    it('answers not_found for an item the user may not see, or that does not exist', async () => {
      const draft = await createItem(t.http, owner.bearer, { status: 'draft' });
      const s = await connect(stranger);
      expect(await request(s.socket, 'items:subscribe', { itemId: draft.id })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
      expect(
        await request(s.socket, 'items:subscribe', {
          itemId: '00000000-0000-4000-8000-000000000000',
        }),
      ).toMatchObject({ ok: false, error: { code: 'not_found' } });
      const own = await connect(owner);
      expect(await request(own.socket, 'items:subscribe', { itemId: draft.id })).toEqual({
        ok: true,
      });
    });

    it('limits the number of subscriptions per socket', async () => {
      const s = await connect(owner);
      const items = await Promise.all(
        Array.from({ length: MAX_SUBSCRIPTIONS }, () => createItem(t.http, owner.bearer)),
      );
      for (const item of items.slice(0, MAX_SUBSCRIPTIONS - 1)) {
        expect(await request(s.socket, 'items:subscribe', { itemId: item.id })).toEqual({
          ok: true,
        });
      }
      expect(await request(s.socket, 'feed:subscribe')).toEqual({ ok: true });
      const last = items[MAX_SUBSCRIPTIONS - 1];
      expect(await request(s.socket, 'items:subscribe', { itemId: last.id })).toMatchObject({
        ok: false,
        error: { code: 'too_many_subscriptions' },
      });
      expect(await request(s.socket, 'feed:unsubscribe')).toEqual({ ok: true });
      expect(await request(s.socket, 'items:subscribe', { itemId: last.id })).toEqual({ ok: true });
    });

    it('rate-limits messages per socket', async () => {
      const s = await connect(owner);
      const answers = await Promise.all(
        Array.from({ length: RATE_LIMIT * 3 }, () => request(s.socket, 'feed:subscribe')),
      );
      const limited = answers.filter((a) => a.error?.code === 'rate_limited');
      expect(limited.length).toBeGreaterThan(0);
      expect(answers.filter((a) => a.ok).length).toBeGreaterThanOrEqual(RATE_LIMIT);
      expect(s.socket.connected).toBe(true);
      // Another socket has its own bucket.
      const other = await connect(owner);
      expect(await request(other.socket, 'feed:subscribe')).toEqual({ ok: true });
    });
  });

  describe('events and visibility', () => {
    it('sends item events to the item room, the feed, the owner and admins, once each', async () => {
      const item = await createItem(t.http, owner.bearer);
      const direct = await connect(stranger);
      const feed = await connect(stranger);
      const both = await connect(stranger);
      const own = await connect(owner);
      const adm = await connect(admin);
      await request(direct.socket, 'items:subscribe', { itemId: item.id });
      await request(feed.socket, 'feed:subscribe');
      await request(both.socket, 'items:subscribe', { itemId: item.id });
      await request(both.socket, 'feed:subscribe');
      await request(own.socket, 'items:subscribe', { itemId: item.id });
      await request(adm.socket, 'feed:subscribe');

      const updated = (await patch(owner, item.id, { title: 'Seen by all' })).body as ItemBody;
      for (const s of [direct, feed, both, own, adm]) {
        const got = await receivedEvent<ItemMessage>(
          s,
          'item.updated',
          (m) => m.item.id === item.id,
        );
        expect(got).toEqual({ item: updated, version: updated.version });
      }
      await settle();
      for (const s of [direct, feed, both, own, adm]) {
        expect(itemEvents(s, item.id).filter((e) => e.event === 'item.updated')).toHaveLength(1);
      }
    });

    it("never sends a draft's events to a stranger, whichever room they joined", async () => {
      const s = await connect(stranger);
      await request(s.socket, 'feed:subscribe');
      const own = await connect(owner);
      const adm = await connect(admin);

      const draft = await createItem(t.http, owner.bearer, { status: 'draft' });
      const isDraft = (m: ItemMessage) => m.item.id === draft.id;
      await receivedEvent(own, 'item.created', isDraft);
      await receivedEvent(adm, 'item.created', isDraft);
      await patch(owner, draft.id, { title: 'Secret draft' });
      const isSecret = (m: ItemMessage) => m.item.title === 'Secret draft';
      await receivedEvent(own, 'item.updated', isSecret);
      await receivedEvent(adm, 'item.updated', isSecret);
      await settle();
      expect(itemEvents(s, draft.id)).toEqual([]);
    });

    it('tells item and feed subscribers item.deleted when an item is unpublished, nothing more', async () => {
      const item = await createItem(t.http, owner.bearer);
      const direct = await connect(stranger);
      const feed = await connect(stranger);
      const own = await connect(owner);
      await request(direct.socket, 'items:subscribe', { itemId: item.id });
      await request(feed.socket, 'feed:subscribe');
      await request(own.socket, 'feed:subscribe');

      const draft = (await patch(owner, item.id, { status: 'draft', title: 'Hidden now' }))
        .body as ItemBody;
      for (const s of [direct, feed]) {
        expect(await receivedEvent<ItemMessage>(s, 'item.deleted')).toEqual({
          item: { id: item.id },
          version: draft.version,
          reason: 'unpublished',
        });
      }
      expect(await receivedEvent<ItemMessage>(own, 'item.updated')).toEqual({
        item: draft,
        version: draft.version,
      });

      await patch(owner, draft.id, { title: 'Still a draft' });
      await receivedEvent<ItemMessage>(
        own,
        'item.updated',
        (m) => m.item.title === 'Still a draft',
      );
      await settle();
      for (const s of [direct, feed]) {
        expect(itemEvents(s, item.id).map((e) => e.event)).toEqual(['item.deleted']);
        expect(JSON.stringify(s.received)).not.toContain('Hidden now');
      }
      expect(own.received.some((e) => e.event === 'item.deleted')).toBe(false);
    });

    it('delivers several quick changes in version order, each once', async () => {
      const item = await createDelivered();
      const s = await connect(stranger);
      await request(s.socket, 'items:subscribe', { itemId: item.id });
      const versions: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        versions.push(((await patch(owner, item.id, { title: `v${i}` })).body as ItemBody).version);
      }
      await eventually(() => expect(itemEvents(s, item.id)).toHaveLength(5));
      await settle();
      const got = itemEvents(s, item.id).map((e) => (e.payload as ItemMessage).version);
      expect(got).toEqual(versions);
    });

    it('sends item.deleted and item.restored', async () => {
      const item = await createItem(t.http, owner.bearer);
      const s = await connect(stranger);
      await request(s.socket, 'items:subscribe', { itemId: item.id });
      await t.http().delete(`/items/${item.id}`).set('Authorization', owner.bearer).expect(204);
      await receivedEvent<ItemMessage>(s, 'item.deleted', (m) => m.item.id === item.id);
      await t
        .http()
        .post(`/items/${item.id}/restore`)
        .set('Authorization', owner.bearer)
        .expect((res) => expect(res.status).toBeLessThan(300));
      await receivedEvent<ItemMessage>(s, 'item.restored', (m) => m.item.id === item.id);
    });
  });

  describe('token expiry and revocation', () => {
    it('emits auth:expired, then disconnects after the grace period', async () => {
      const s = await connect(signToken(owner.id, 2));
      const expired = await nextEvent<{ graceMs: number }>(s.socket, 'auth:expired', 5000);
      expect(expired.graceMs).toBe(GRACE_MS);
      const reason = await nextEvent<string>(s.socket, 'disconnect', GRACE_MS + 3000);
      expect(reason).toBe('io server disconnect');
    });

    it('stays connected when auth:refresh brings a new token for the same user', async () => {
      const s = await connect(signToken(owner.id, 2));
      await request(s.socket, 'feed:subscribe');
      await nextEvent(s.socket, 'auth:expired', 5000);
      expect(
        await request(s.socket, 'auth:refresh', { token: stranger.accessToken }),
      ).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      expect(await request(s.socket, 'auth:refresh', { token: 'garbage' })).toMatchObject({
        ok: false,
        error: { code: 'unauthorized' },
      });
      expect(await request(s.socket, 'auth:refresh', { token: owner.accessToken })).toEqual({
        ok: true,
      });
      await new Promise((r) => setTimeout(r, GRACE_MS + 500));
      expect(s.socket.connected).toBe(true);
      // Still subscribed: events keep flowing.
      const item = await createItem(t.http, owner.bearer);
      await receivedEvent<ItemMessage>(s, 'item.created', (m) => m.item.id === item.id);
    });

    it("disconnects a deactivated user's sockets within seconds", async () => {
      const victim = await signUp(t.http);
      const s = await connect(victim);
      const disconnected = nextEvent<string>(s.socket, 'disconnect', 5000);
      await t
        .http()
        .patch(`/users/${victim.id}`)
        .set('Authorization', admin.bearer)
        .send({ isActive: false })
        .expect(200);
      expect(await disconnected).toBe('io server disconnect');
      const error = await connectError(openSocket(t.url, { token: victim.accessToken }));
      expect(error.data?.code).toBe('unauthorized');
    });
  });
});
