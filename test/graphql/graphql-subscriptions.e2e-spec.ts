import { JwtService } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { workerConfig } from '../../src/worker';
import { WorkerModule } from '../../src/worker.module';
import { currentProfile, TEST_REDIS_URL } from '../helpers/test-database';
import { testEnv } from '../helpers/test-app';
import { describeWithRedis } from '../helpers/with-redis';
import { deactivate, signInAdmin, signUp, SignedIn } from '../helpers/auth';
import { connectGraphqlWs, untilLive, WsClient } from '../helpers/graphql-ws';
import { createItem } from '../helpers/items';
import { startApp, TestApp } from '../helpers/test-app';

interface Change {
  type: string;
  itemId: string;
  version: number;
  item: { id: string; title: string; status: string } | null;
  reason: string | null;
}
const CHANGE = 'type itemId version reason item { id title status }';
const FEED = `subscription { feed { ${CHANGE} } }`;
const ITEM_CHANGED = `subscription($id: ID!) { itemChanged(id: $id) { ${CHANGE} } }`;

describe('GraphQL subscriptions (graphql-ws)', () => {
  let t: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;
  const clients: WsClient[] = [];

  const connect = (token?: string): WsClient => {
    const c = connectGraphqlWs(t.url, token);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await startApp({ REALTIME_SESSION_CHECK_MS: '300' });
    alice = await signUp(t.http);
    bob = await signUp(t.http);
  });
  afterAll(async () => {
    for (const c of clients) await c.client.dispose();
    await t.close();
  });

  const patch = (user: SignedIn, id: string, body: Record<string, unknown>) =>
    t.http().patch(`/items/${id}`).set('Authorization', user.bearer).send(body).expect(200);

  it('feed: a stranger receives published items, never a draft, each event once', async () => {
    const feed = connect(bob.accessToken).subscribe<{ feed: Change }>(FEED);
    const live = await untilLive(feed, () =>
      createItem(t.http, alice.bearer, { status: 'published' }),
    );
    expect(live.data?.feed).toMatchObject({ type: 'created', version: 1 });
    // Writes made while the subscription was being registered may still be on their way.
    while (!(await feed.quietFor(300))) await feed.next();

    const draft = await createItem(t.http, alice.bearer, { status: 'draft' });
    const next = await createItem(t.http, alice.bearer, { status: 'published' });
    const after = await feed.next();
    expect(after.data?.feed.itemId).toBe(next.id);
    expect(after.data?.feed.itemId).not.toBe(draft.id);
    expect(await feed.quietFor(300)).toBe(true);
  });

  it('feed: the owner and an admin receive the owner’s drafts', async () => {
    const admin = await signInAdmin(t.http);
    const own = connect(alice.accessToken).subscribe<{ feed: Change }>(FEED);
    const all = connect(admin.accessToken).subscribe<{ feed: Change }>(FEED);
    for (const sub of [own, all]) {
      await untilLive(sub, () => createItem(t.http, alice.bearer, { status: 'published' }));
    }
    const draft = await createItem(t.http, alice.bearer, { status: 'draft' });
    for (const sub of [own, all]) {
      let change = (await sub.next()).data?.feed;
      while (change && change.itemId !== draft.id) change = (await sub.next()).data?.feed;
      expect(change).toMatchObject({ type: 'created', item: { status: 'draft' } });
    }
  });

  it('itemChanged: versions in order; unpublishing withdraws it from a stranger with the id only', async () => {
    const item = await createItem(t.http, alice.bearer, { status: 'published' });
    const sub = connect(bob.accessToken).subscribe<{ itemChanged: Change }>(ITEM_CHANGED, {
      id: item.id,
    });
    let version = 1;
    const warm = await untilLive(sub, () => patch(alice, item.id, { title: `v${(version += 1)}` }));
    while (!(await sub.quietFor(300))) await sub.next();
    expect(warm.data?.itemChanged.version).toBeGreaterThan(1);
    await patch(alice, item.id, { title: 'next' });
    await patch(alice, item.id, { title: 'after' });
    const a = (await sub.next()).data?.itemChanged;
    const b = (await sub.next()).data?.itemChanged;
    expect(a).toMatchObject({ version: version + 1, item: { title: 'next' } });
    expect(b).toMatchObject({ version: version + 2, item: { title: 'after' } });
    version += 2;
    await patch(alice, item.id, { status: 'draft', title: 'secret now' });
    const withdrawn = (await sub.next()).data?.itemChanged;
    expect(withdrawn).toEqual({
      type: 'deleted',
      itemId: item.id,
      version: version + 1,
      item: null,
      reason: 'unpublished',
    });
    await patch(alice, item.id, { title: 'still secret' });
    expect(await sub.quietFor(300)).toBe(true);
  });

  it('itemChanged on a stranger’s draft is not_found, and delivers nothing', async () => {
    const draft = await createItem(t.http, alice.bearer, { status: 'draft' });
    const sub = connect(bob.accessToken).subscribe<{ itemChanged: Change }>(ITEM_CHANGED, {
      id: draft.id,
    });
    const result = await sub.next();
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['not_found']);
    expect(JSON.stringify(result)).not.toContain(draft.title);
  });

  it('refuses a connection without a token (4401) or with an expired one (4403 token_expired)', async () => {
    expect(await connect().closed).toEqual({ code: 4401, reason: 'token_invalid' });
    const expired = t.app.get(JwtService).sign({ sub: alice.id }, { expiresIn: -10 });
    expect(await connect(expired).closed).toEqual({ code: 4403, reason: 'token_expired' });
  });

  it('closes the connection with 4403 token_expired when the token runs out', async () => {
    const shortLived = t.app.get(JwtService).sign({ sub: alice.id }, { expiresIn: 2 });
    const c = connect(shortLived);
    c.subscribe(FEED);
    expect(await c.closed).toEqual({ code: 4403, reason: 'token_expired' });
  });

  it('closes the connection (4401) once its user is deactivated', async () => {
    const user = await signUp(t.http);
    const c = connect(user.accessToken);
    const feed = c.subscribe<{ feed: Change }>(FEED);
    await untilLive(feed, () => createItem(t.http, alice.bearer, { status: 'published' }));
    await deactivate(t.http, user);
    expect(await c.closed).toEqual({ code: 4401, reason: 'token_invalid' });
  });

  it('applies the operation limits to subscriptions (Apollo’s rules do not run for graphql-ws)', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: itemId`).join(' ');
    const sub = connect(bob.accessToken).subscribe(`subscription { feed { ${aliases} } }`);
    await expect(sub.next()).rejects.toEqual([
      expect.objectContaining({ extensions: { code: 'query_too_complex' } }),
    ]);
  });
});

/**
 * Two API processes (two apps on different ports) sharing the database and Redis: a write through
 * one reaches a subscriber of the other, through the same fan-out and the Redis room bus.
 */
describeWithRedis('GraphQL subscriptions across two instances (Redis)', () => {
  let a: TestApp;
  let b: TestApp;
  let owner: SignedIn;
  const clients: WsClient[] = [];

  beforeAll(async () => {
    const shared = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `keel-test:gql-${process.pid}-${randomBytes(3).toString('hex')}:`,
      JWT_SECRET: randomBytes(32).toString('base64url'),
    };
    a = await startApp(shared);
    b = await startApp(shared, a.infra);
    owner = await signUp(a.http);
  });
  afterAll(async () => {
    for (const c of clients) await c.client.dispose();
    await b?.close();
    await a?.close();
  });

  it('a subscriber on A receives writes made through B, once each', async () => {
    const onA = connectGraphqlWs(a.url, owner.accessToken);
    clients.push(onA);
    const feed = onA.subscribe<{ feed: Change }>(FEED);
    const live = await untilLive(feed, () =>
      createItem(b.http, owner.bearer, { status: 'published' }),
    );
    expect(live.data?.feed.type).toBe('created');
    while (!(await feed.quietFor(300))) await feed.next();

    const item = await createItem(b.http, owner.bearer, { status: 'draft' });
    const got = (await feed.next()).data?.feed;
    expect(got).toMatchObject({ type: 'created', itemId: item.id, version: 1 });
    expect(await feed.quietFor(500)).toBe(true);
  });
});

/**
 * An API with WORKERS=off and a worker process (an application context built from WorkerModule,
 * as worker.ts does): the worker's relay dispatches the outbox row, and the subscriber on the API
 * receives it through the Redis room bus. The worker needs a shared database: MariaDB profile only.
 */
const describeWithWorker = currentProfile() === 'mariadb' ? describeWithRedis : describe.skip;

describeWithWorker('GraphQL subscriptions fed by a worker', () => {
  let api: TestApp;
  let worker: TestingModule;
  let owner: SignedIn;
  let client: WsClient;

  beforeAll(async () => {
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `keel-test:gql-worker-${process.pid}-${randomBytes(3).toString('hex')}:`,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      OUTBOX_SWEEP_MS: '100',
    };
    api = await startApp({ ...env, WORKERS: 'off' });
    worker = await Test.createTestingModule({
      imports: [WorkerModule.forRoot(workerConfig(testEnv(api.infra, env)))],
    }).compile();
    await worker.init();
    owner = await signUp(api.http);
  }, 60_000);
  afterAll(async () => {
    await client?.client.dispose();
    await worker?.close();
    await api?.close();
  });

  it('a subscriber on the API receives an event the worker dispatched', async () => {
    client = connectGraphqlWs(api.url, owner.accessToken);
    const feed = client.subscribe<{ feed: Change }>(FEED);
    const live = await untilLive(feed, () =>
      createItem(api.http, owner.bearer, { status: 'published' }),
    );
    expect(live.data?.feed.type).toBe('created');
  });
});
