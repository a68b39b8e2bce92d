import { DataSource } from 'typeorm';
import { OutboxEvent } from '../src/modules/outbox/outbox.event';
import { OutboxRelay } from '../src/modules/outbox/outbox.relay';
import { OutboxRepository } from '../src/modules/outbox/outbox.repository';
import { signUp, SignedIn } from './helpers/auth';
import { eventually } from './helpers/eventually';
import { startApp, TestApp } from './helpers/test-app';
import { startAppWith } from './helpers/test-app-with';
import { TestEventHandler } from './helpers/test-event-handler';
import { provisionInfra, TestInfra } from './helpers/test-database';

interface OutboxRow {
  event_type: string;
  aggregate_id: string;
  version: number;
  dispatched_at: string | Date | null;
  attempts: number;
}

const rowsFor = (t: TestApp, itemId: string): Promise<OutboxRow[]> =>
  t.app
    .get(DataSource)
    .query<OutboxRow[]>(
      'SELECT event_type, aggregate_id, version, dispatched_at, attempts FROM outbox WHERE aggregate_id = ? ORDER BY version',
      [itemId],
    )
    .then((rows) =>
      rows.map((r) => ({ ...r, version: Number(r.version), attempts: Number(r.attempts) })),
    );

const countItems = (t: TestApp, itemId: string): Promise<number> =>
  t.app
    .get(DataSource)
    .query<Array<{ n: number | string }>>('SELECT COUNT(*) AS n FROM items WHERE id = ?', [itemId])
    .then((r) => Number(r[0]?.n ?? 0));

async function createItem(
  t: TestApp,
  user: SignedIn,
  title = 'Outbox item',
): Promise<{ id: string; version: number }> {
  const res = await t
    .http()
    .post('/items')
    .set('Authorization', user.bearer)
    .send({ title, status: 'published' })
    .expect(201);
  return res.body as { id: string; version: number };
}

describe('outbox', () => {
  let t: TestApp;
  let user: SignedIn;
  const received: OutboxEvent[] = [];
  let failNext: (event: OutboxEvent) => boolean = () => false;

  beforeAll(async () => {
    t = await startAppWith({ OUTBOX_SWEEP_MS: '100' }, { add: [TestEventHandler] });
    t.app.get(TestEventHandler).listener = (event) => {
      if (failNext(event)) return Promise.reject(new Error('subscriber is down'));
      received.push(event);
      return Promise.resolve();
    };
    user = await signUp(t.http);
  });
  afterAll(() => t.close());
  afterEach(() => {
    failNext = () => false;
    jest.restoreAllMocks();
  });

  const eventsFor = (id: string): OutboxEvent[] => received.filter((e) => e.aggregateId === id);

  it('writes one row per change and dispatches them in version order', async () => {
    const item = await createItem(t, user);
    await t
      .http()
      .patch(`/items/${item.id}`)
      .set('Authorization', user.bearer)
      .send({ title: 'Second' })
      .expect(200);
    await t.http().delete(`/items/${item.id}`).set('Authorization', user.bearer).expect(204);
    await t.http().post(`/items/${item.id}/restore`).set('Authorization', user.bearer).expect(200);

    const rows = await rowsFor(t, item.id);
    expect(rows.map((r) => [r.event_type, r.version])).toEqual([
      ['item.created', 1],
      ['item.updated', 2],
      ['item.deleted', 3],
      ['item.restored', 4],
    ]);
    await eventually(() => expect(eventsFor(item.id).map((e) => e.version)).toEqual([1, 2, 3, 4]));
    const updated = eventsFor(item.id)[1]?.payload as {
      item: { title: string };
      previousStatus: string;
    };
    expect(updated).toMatchObject({ item: { title: 'Second' }, previousStatus: 'published' });
    await eventually(async () =>
      expect((await rowsFor(t, item.id)).every((r) => r.dispatched_at !== null)).toBe(true),
    );
  });

  it('a failure after the item write rolls back the item and its outbox row together', async () => {
    const outbox = t.app.get(OutboxRepository);
    jest.spyOn(outbox, 'append').mockRejectedValueOnce(new Error('disk full'));
    const res = await t
      .http()
      .post('/items')
      .set('Authorization', user.bearer)
      .send({ title: 'Doomed' })
      .expect(500);
    expect(JSON.stringify(res.body)).not.toContain('disk full');
    const listed = await t
      .http()
      .get(`/items?ownerId=${user.id}&limit=100`)
      .set('Authorization', user.bearer)
      .expect(200);
    expect(
      (listed.body as { data: Array<{ title: string }> }).data.map((i) => i.title),
    ).not.toContain('Doomed');
    const orphans = await t.app
      .get(DataSource)
      .query<Array<{ n: number | string }>>(
        "SELECT COUNT(*) AS n FROM outbox WHERE payload LIKE '%Doomed%'",
      );
    expect(Number(orphans[0]?.n)).toBe(0);
  });

  it('a failed update leaves neither the change nor its event', async () => {
    const item = await createItem(t, user, 'Stays');
    jest.spyOn(t.app.get(OutboxRepository), 'append').mockRejectedValueOnce(new Error('boom'));
    await t
      .http()
      .patch(`/items/${item.id}`)
      .set('Authorization', user.bearer)
      .send({ title: 'Never' })
      .expect(500);
    const read = await t
      .http()
      .get(`/items/${item.id}`)
      .set('Authorization', user.bearer)
      .expect(200);
    expect(read.body).toMatchObject({ title: 'Stays', version: 1 });
    expect((await rowsFor(t, item.id)).map((r) => r.version)).toEqual([1]);
    expect(await countItems(t, item.id)).toBe(1);
  });

  it('retries a failing subscriber with backoff and keeps the item’s order', async () => {
    const item = await createItem(t, user);
    let failures = 0;
    failNext = (e) => e.aggregateId === item.id && e.version === 2 && failures++ < 2;
    await t
      .http()
      .patch(`/items/${item.id}`)
      .set('Authorization', user.bearer)
      .send({ title: 'v2' })
      .expect(200);
    await t
      .http()
      .patch(`/items/${item.id}`)
      .set('Authorization', user.bearer)
      .send({ title: 'v3' })
      .expect(200);

    await eventually(() => expect(eventsFor(item.id).map((e) => e.version)).toEqual([1, 2, 3]), {
      timeoutMs: 15_000,
    });
    expect(failures).toBe(3); // two refusals, then the call that let it through
    const rows = await rowsFor(t, item.id);
    expect(rows.find((r) => r.version === 2)?.attempts).toBe(2);
  });

  it('prunes dispatched rows older than the retention', async () => {
    const item = await createItem(t, user);
    await eventually(async () =>
      expect((await rowsFor(t, item.id))[0]?.dispatched_at).not.toBeNull(),
    );
    const longAgo = new Date(Date.now() - 400 * 24 * 3600_000)
      .toISOString()
      .replace('T', ' ')
      .replace('Z', '');
    await t.app
      .get(DataSource)
      .query('UPDATE outbox SET dispatched_at = ? WHERE aggregate_id = ?', [longAgo, item.id]);
    await t.app.get(OutboxRelay).pruneNow();
    expect(await rowsFor(t, item.id)).toEqual([]);
  });
});

describe('outbox across a crash between commit and dispatch', () => {
  let infra: TestInfra;
  beforeAll(async () => {
    infra = await provisionInfra();
  });
  afterAll(() => infra.cleanup());

  it('a committed but undispatched row is dispatched by the next process', async () => {
    // WORKERS=off: the first process commits changes but never dispatches, which leaves the
    // database exactly as a process killed between commit and dispatch would.
    const first = await startApp({ WORKERS: 'off' }, infra);
    const user = await signUp(first.http);
    const item = await createItem(first, user, 'Survivor');
    await first
      .http()
      .patch(`/items/${item.id}`)
      .set('Authorization', user.bearer)
      .send({ title: 'Survivor v2' })
      .expect(200);
    expect((await rowsFor(first, item.id)).map((r) => r.dispatched_at)).toEqual([null, null]);
    await first.close();

    // The next process: subscribe first, then start its relay as a booting worker does.
    const second = await startAppWith(
      { OUTBOX_SWEEP_MS: '100', WORKERS: 'off' },
      { add: [TestEventHandler] },
      infra,
    );
    try {
      const received: OutboxEvent[] = [];
      second.app.get(TestEventHandler).listener = (e) => {
        if (e.aggregateId === item.id) received.push(e);
        return Promise.resolve();
      };
      second.app.get(OutboxRelay).start();
      await eventually(() =>
        expect(received.map((e) => [e.type, e.version])).toEqual([
          ['item.created', 1],
          ['item.updated', 2],
        ]),
      );
      await eventually(async () =>
        expect((await rowsFor(second, item.id)).every((r) => r.dispatched_at !== null)).toBe(true),
      );
    } finally {
      await second.close();
    }
  });
});
