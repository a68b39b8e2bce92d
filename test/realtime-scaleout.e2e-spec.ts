import { randomBytes } from 'node:crypto';
import { signUp, SignedIn } from './helpers/auth';
import { createItem } from './helpers/items';
import { connectSocket, receivedEvent, request, TestSocket } from './helpers/socket';
import { TEST_REDIS_URL } from './helpers/test-database';
import { describeWithRedis } from './helpers/with-redis';
import { startApp, TestApp } from './helpers/test-app';

interface ItemMessage {
  item: { id: string; title: string };
  version: number;
}

/**
 * Two API processes (two apps on different ports) sharing the database and the local Redis: the
 * socket.io Redis adapter carries each broadcast to the clients of both.
 */
describeWithRedis('Realtime across two instances (Redis adapter)', () => {
  let a: TestApp;
  let b: TestApp;
  let owner: SignedIn;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    // Same JWT secret and database for both: passport's strategy is process-wide.
    const shared = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `keel-test:rt-${process.pid}-${randomBytes(3).toString('hex')}:`,
      JWT_SECRET: randomBytes(32).toString('base64url'),
    };
    a = await startApp(shared);
    b = await startApp(shared, a.infra);
    owner = await signUp(a.http);
  });

  afterAll(async () => {
    for (const s of sockets) s.socket.close();
    await b?.close();
    await a?.close();
  });

  it('a client on instance A receives the event caused by a write on instance B', async () => {
    const onA = await connectSocket(a.url, owner.accessToken);
    const onB = await connectSocket(b.url, owner.accessToken);
    sockets.push(onA, onB);
    expect(await request(onA.socket, 'feed:subscribe')).toEqual({ ok: true });
    expect(await request(onB.socket, 'feed:subscribe')).toEqual({ ok: true });

    const item = await createItem(b.http, owner.bearer, { title: 'Written on B' });
    const isItem = (m: ItemMessage) => m.item.id === item.id;
    for (const s of [onA, onB]) {
      expect(await receivedEvent<ItemMessage>(s, 'item.created', isItem)).toEqual({
        item,
        version: item.version,
      });
    }
    await b
      .http()
      .patch(`/items/${item.id}`)
      .set('Authorization', owner.bearer)
      .send({ title: 'Changed on B' })
      .expect(200);
    await receivedEvent<ItemMessage>(onA, 'item.updated', isItem);
    await new Promise((r) => setTimeout(r, 500));
    // Once each, whichever process's relay dispatched the outbox row.
    for (const s of [onA, onB]) {
      const events = s.received.filter((r) => isItem(r.payload as ItemMessage));
      expect(events.map((e) => e.event)).toEqual(['item.created', 'item.updated']);
    }
  });
});
