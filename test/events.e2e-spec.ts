import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { componentName } from '../src/modules/events/asyncapi.document';
import { ITEM_EVENTS, type ItemEvent } from '../src/modules/items/item.events';
import { CLIENT_MESSAGES, SERVER_EVENTS } from '../src/modules/realtime/realtime.contract';
import { signUp, type SignedIn } from './helpers/auth';
import { EventTap } from './helpers/event-tap';
import { schemaErrors } from './helpers/json-schema';
import { parsePrometheus, type Sample, valueOf } from './helpers/prometheus';
import { eventually } from './helpers/eventually';
import { createItem, type ItemBody } from './helpers/items';
import { TcpProxy } from './helpers/tcp-proxy';
import type { TestApp } from './helpers/test-app';
import { startAppWith } from './helpers/test-app-with';
import { provisionInfra, type TestInfra } from './helpers/test-database';
import { TestEventHandler } from './helpers/test-event-handler';
import { describeWithRabbitMq, TEST_RABBITMQ_URL, uniqueExchange } from './helpers/with-rabbitmq';

interface DeliveryRow {
  id: string;
  version: number;
  dispatched: boolean;
  published: boolean;
}

/** Each outbox row of an item with both destinations' delivery state. */
async function deliveries(t: TestApp, itemId: string): Promise<DeliveryRow[]> {
  const rows = await t.app
    .get(DataSource)
    .query<
      Array<{ id: string; version: number | string; dispatched_at: unknown; published_at: unknown }>
    >(
      'SELECT id, version, dispatched_at, published_at FROM outbox WHERE aggregate_id = ? ORDER BY version',
      [itemId],
    );
  return rows.map((r) => ({
    id: r.id,
    version: Number(r.version),
    dispatched: r.dispatched_at !== null,
    published: r.published_at !== null,
  }));
}

const METRICS_TOKEN = randomBytes(16).toString('hex');

const scrape = async (t: TestApp): Promise<Sample[]> =>
  parsePrometheus(
    (await t.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200))
      .text,
  );

/** The broker URL through a proxy the test can cut. */
const viaProxy = (proxy: TcpProxy): string => {
  const url = new URL(TEST_RABBITMQ_URL);
  url.host = `127.0.0.1:${proxy.port}`;
  return url.toString();
};

async function patchTimes(t: TestApp, user: SignedIn, item: ItemBody, times: number) {
  for (let n = 0; n < times; n += 1) {
    await t
      .http()
      .patch(`/items/${item.id}`)
      .set('Authorization', user.bearer)
      .send({ title: `${item.title} v${n + 2}` })
      .expect(200);
  }
}

/** Every item's events arrived once at least, first arrivals in version order 1..n. */
function expectInOrder(tap: EventTap, items: Array<{ id: string; versions: number }>): void {
  for (const { id, versions } of items) {
    const firsts = new Map<string, number>();
    for (const e of tap.of(id)) if (!firsts.has(e.id)) firsts.set(e.id, e.entityversion);
    expect({ id, versions: [...firsts.values()] }).toEqual({
      id,
      versions: Array.from({ length: versions }, (_, i) => i + 1),
    });
  }
}

describeWithRabbitMq('domain events on RabbitMQ', () => {
  const exchange = uniqueExchange('events');
  let proxy: TcpProxy;
  let tap: EventTap;
  let t: TestApp;
  let user: SignedIn;
  const inApp: ItemEvent[] = [];

  beforeAll(async () => {
    proxy = await new TcpProxy('127.0.0.1', Number(new URL(TEST_RABBITMQ_URL).port)).start();
    tap = await EventTap.open(exchange);
    t = await startAppWith(
      {
        RABBITMQ_URL: viaProxy(proxy),
        RABBITMQ_EXCHANGE: exchange,
        OUTBOX_SWEEP_MS: '200',
        METRICS_TOKEN: METRICS_TOKEN,
      },
      { add: [TestEventHandler] },
    );
    t.app.get(TestEventHandler).listener = (event) => {
      inApp.push(event);
      return Promise.resolve();
    };
    user = await signUp(t.http);
  });
  afterAll(async () => {
    await t?.close();
    await tap?.close();
    await proxy?.stop();
  });

  it('publishes each item event as a persistent CloudEvents message, routing key = type, id = outbox id', async () => {
    const item = await createItem(t.http, user.bearer, { title: 'Published' });
    await patchTimes(t, user, item, 1);
    await t.http().delete(`/items/${item.id}`).set('Authorization', user.bearer).expect(204);
    await t.http().post(`/items/${item.id}/restore`).set('Authorization', user.bearer).expect(200);

    await eventually(() => expect(tap.of(item.id)).toHaveLength(4));
    const rows = await deliveries(t, item.id);
    const received = tap.messages.filter((m) => m.event.subject === item.id);
    expect(received.map((m) => [m.routingKey, m.event.type, m.event.entityversion])).toEqual([
      ['item.created', 'item.created', 1],
      ['item.updated', 'item.updated', 2],
      ['item.deleted', 'item.deleted', 3],
      ['item.restored', 'item.restored', 4],
    ]);
    expect(received.map((m) => m.event.id)).toEqual(rows.map((r) => r.id));
    for (const m of received) {
      expect(m.persistent).toBe(true);
      expect(m.messageId).toBe(m.event.id);
      expect(m.contentType).toBe('application/cloudevents+json');
      expect(m.event).toMatchObject({
        specversion: '1.0',
        source: '/keel',
        subject: item.id,
        datacontenttype: 'application/json',
      });
      expect(new Date(m.event.time).toISOString()).toBe(m.event.time);
    }
    expect(received[0]?.event.data).toMatchObject({
      item: { id: item.id, ownerId: user.id, title: 'Published' },
      previousStatus: null,
    });
    expect(JSON.stringify(received)).not.toMatch(/password|hash|secret|token/i);
    await eventually(async () =>
      expect((await deliveries(t, item.id)).every((r) => r.published)).toBe(true),
    );
  });

  it('npm run events:tail prints the events as they are written', async () => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register', 'src/events-tail.ts', 'item.*'],
      {
        cwd: join(__dirname, '..'),
        env: {
          ...process.env,
          NODE_ENV: 'test',
          RABBITMQ_URL: TEST_RABBITMQ_URL,
          RABBITMQ_EXCHANGE: exchange,
        },
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    try {
      await eventually(() => expect(err).toContain(`listening on ${exchange} for 'item.*'`), {
        timeoutMs: 20_000,
      });
      const item = await createItem(t.http, user.bearer, { title: 'Tailed' });
      await eventually(() => {
        const lines = out.split('\n').filter((l) => l.includes(item.id));
        expect(lines.map((l) => (JSON.parse(l) as { type: string }).type)).toEqual([
          'item.created',
        ]);
      });
    } finally {
      child.kill('SIGTERM');
    }
  }, 40_000);

  it("the docs' example consumer prints the events as written", async () => {
    const doc = readFileSync(join(__dirname, '..', 'docs', 'events.md'), 'utf8');
    const code = /```js\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(code).toBeDefined();
    // Inside the repository, so that `import 'amqplib'` resolves as it would in a consumer's project.
    const file = join(__dirname, '..', `tmp-consumer-${process.pid}.mjs`);
    writeFileSync(file, code ?? '');
    const queue = `${exchange}.consumer`;
    const child = spawn(process.execPath, [file], {
      env: {
        ...process.env,
        RABBITMQ_URL: TEST_RABBITMQ_URL,
        RABBITMQ_EXCHANGE: exchange,
        QUEUE: queue,
      },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      await eventually(() => expect(out).toContain(`consuming ${queue}`), { timeoutMs: 20_000 });
      const item = await createItem(t.http, user.bearer, { title: 'Consumed' });
      await patchTimes(t, user, item, 1);
      await eventually(() =>
        expect(out.split('\n').filter((l) => l.includes(item.id))).toEqual([
          `item.created ${item.id} v1 Consumed`,
          `item.updated ${item.id} v2 Consumed v2`,
        ]),
      );
    } finally {
      child.kill('SIGTERM');
      rmSync(file, { force: true });
      await tap.deleteQueue(queue);
    }
  }, 40_000);

  it('sends messages that match the AsyncAPI document served at /docs/asyncapi.json', async () => {
    const doc = (await t.http().get('/docs/asyncapi.json').expect(200)).body as Record<
      string,
      unknown
    >;
    const item = await createItem(t.http, user.bearer, { title: 'Contract', tags: ['a'] });
    await patchTimes(t, user, item, 1);
    await t.http().delete(`/items/${item.id}`).set('Authorization', user.bearer).expect(204);
    await t.http().post(`/items/${item.id}/restore`).set('Authorization', user.bearer).expect(200);
    await eventually(() => expect(tap.of(item.id)).toHaveLength(4));
    for (const m of tap.messages) {
      const channel = `broker.${m.routingKey}`;
      expect(Object.keys(doc.channels as object)).toContain(channel);
      const schema = { $ref: `#/components/schemas/CloudEvent${componentName(m.event.type)}` };
      expect({ id: m.event.id, errors: schemaErrors(doc, schema, m.event) }).toEqual({
        id: m.event.id,
        errors: [],
      });
    }
  });

  it('1,000 item writes arrive as 1,000 distinct event ids, in version order per item', async () => {
    const items = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        createItem(t.http, user.bearer, { title: `Bulk ${i}` }).then(async (item) => {
          await patchTimes(t, user, item, 49);
          return item;
        }),
      ),
    );
    const ids = new Set(items.map((i) => i.id));
    const mine = () => tap.messages.filter((m) => ids.has(m.event.subject));
    await eventually(() => expect(new Set(mine().map((m) => m.event.id)).size).toBe(1000), {
      timeoutMs: 90_000,
      intervalMs: 250,
    });
    expectInOrder(
      tap,
      items.map((i) => ({ id: i.id, versions: 50 })),
    );
  }, 180_000);

  it('a broker outage holds back only the RabbitMQ deliveries; they drain in order when it returns', async () => {
    proxy.cut();
    await eventually(async () => {
      const res = await t.http().get('/health/ready').expect(200);
      expect((res.body as { degraded: string[] }).degraded).toEqual(['rabbitmq']);
    });
    const item = await createItem(t.http, user.bearer, { title: 'During the outage' });
    await patchTimes(t, user, item, 2);
    // Search and realtime (the in-app handlers) receive every event meanwhile.
    await eventually(() =>
      expect(inApp.filter((e) => e.aggregateId === item.id).map((e) => e.version)).toEqual([
        1, 2, 3,
      ]),
    );
    await eventually(async () =>
      expect(await deliveries(t, item.id)).toEqual(
        expect.arrayContaining([expect.objectContaining({ dispatched: true, published: false })]),
      ),
    );
    expect((await deliveries(t, item.id)).every((r) => r.dispatched && !r.published)).toBe(true);
    expect(tap.of(item.id)).toEqual([]);
    const during = await scrape(t);
    expect(valueOf(during, 'keel_rabbitmq_connected')).toBe(0);
    expect(valueOf(during, 'keel_outbox_rabbitmq_pending')).toBeGreaterThanOrEqual(3);
    expect(valueOf(during, 'keel_outbox_pending')).toBe(0);

    proxy.restore();
    await eventually(() => expect(new Set(tap.of(item.id).map((e) => e.id)).size).toBe(3), {
      timeoutMs: 30_000,
    });
    expectInOrder(tap, [{ id: item.id, versions: 3 }]);
    await eventually(async () =>
      expect((await deliveries(t, item.id)).every((r) => r.published)).toBe(true),
    );
    await eventually(async () => {
      const after = await scrape(t);
      expect(valueOf(after, 'keel_rabbitmq_connected')).toBe(1);
      expect(valueOf(after, 'keel_outbox_rabbitmq_pending')).toBe(0);
    });
  }, 60_000);

  it('failing in-app handlers do not hold back RabbitMQ', async () => {
    const handler = t.app.get(TestEventHandler);
    handler.listener = () => Promise.reject(new Error('search and realtime down'));
    try {
      const item = await createItem(t.http, user.bearer, { title: 'In-app down' });
      await eventually(() => expect(tap.of(item.id).map((e) => e.type)).toEqual(['item.created']));
      const [row] = await deliveries(t, item.id);
      expect(row).toMatchObject({ dispatched: false, published: true });
    } finally {
      handler.listener = (event) => {
        inApp.push(event);
        return Promise.resolve();
      };
    }
  });

  it('loses no event when the connection is cut mid-run; a duplicate carries the same id', async () => {
    const items = await Promise.all(
      Array.from({ length: 10 }, (_, i) => createItem(t.http, user.bearer, { title: `Cut ${i}` })),
    );
    const ids = new Set(items.map((i) => i.id));
    const writes = Promise.all(items.map((item) => patchTimes(t, user, item, 19)));
    await eventually(() =>
      expect(tap.messages.filter((m) => ids.has(m.event.subject)).length).toBeGreaterThan(20),
    );
    proxy.cut({ reset: true });
    await writes;
    proxy.restore();

    await eventually(
      () =>
        expect(
          new Set(tap.messages.filter((m) => ids.has(m.event.subject)).map((m) => m.event.id)).size,
        ).toBe(200),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expectInOrder(
      tap,
      items.map((i) => ({ id: i.id, versions: 20 })),
    );
    // Every copy of an id is the same event.
    const byId = new Map<string, string>();
    for (const m of tap.messages.filter((x) => ids.has(x.event.subject))) {
      const body = JSON.stringify(m.event);
      expect(byId.get(m.event.id) ?? body).toBe(body);
      byId.set(m.event.id, body);
    }
    const stored = (await Promise.all(items.map((i) => deliveries(t, i.id)))).flat();
    expect(new Set(stored.map((r) => r.id))).toEqual(new Set(byId.keys()));
  }, 120_000);
});

describe('the AsyncAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startAppWith();
  });
  afterAll(() => t?.close());

  it('is served at /docs/asyncapi.json and is a valid AsyncAPI 3 document', async () => {
    const res = await t.http().get('/docs/asyncapi.json').expect(200);
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(res.body));
    // Severity 0 is an error (1 warning, 2 information, 3 hint).
    expect(diagnostics.filter((d) => Number(d.severity) === 0).map((d) => d.message)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    const channels =
      document
        ?.channels()
        .all()
        .map((c) => c.address()) ?? [];
    expect(channels).toEqual(
      expect.arrayContaining([
        'item.created',
        'item.updated',
        'item.deleted',
        'item.restored',
        'user.registered',
        'user.updated',
        'user.deactivated',
        'user.deleted',
        'session.revoked',
        '/realtime',
      ]),
    );
    const realtime = document
      ?.channels()
      .all()
      .find((c) => c.address() === '/realtime');
    const names =
      realtime
        ?.messages()
        .all()
        .map((m) => m.name()) ?? [];
    expect(names).toEqual(
      expect.arrayContaining([...ITEM_EVENTS, ...Object.values(SERVER_EVENTS), ...CLIENT_MESSAGES]),
    );
  });
});

describeWithRabbitMq('RabbitMQ down at boot', () => {
  const exchange = uniqueExchange('boot');
  let proxy: TcpProxy;
  let tap: EventTap;
  let t: TestApp;

  beforeAll(async () => {
    proxy = await new TcpProxy('127.0.0.1', Number(new URL(TEST_RABBITMQ_URL).port)).start();
    proxy.cut();
    tap = await EventTap.open(exchange);
    t = await startAppWith({
      RABBITMQ_URL: viaProxy(proxy),
      RABBITMQ_EXCHANGE: exchange,
      OUTBOX_SWEEP_MS: '200',
    });
  });
  afterAll(async () => {
    await t?.close();
    await tap?.close();
    await proxy?.stop();
  });

  it('boots and serves writes; their events arrive once the broker is up', async () => {
    const user = await signUp(t.http);
    const item = await createItem(t.http, user.bearer, { title: 'Before the broker' });
    const ready = await t.http().get('/health/ready').expect(200);
    expect((ready.body as { degraded: string[] }).degraded).toEqual(['rabbitmq']);

    proxy.restore();
    await eventually(() => expect(tap.of(item.id).map((e) => e.type)).toEqual(['item.created']), {
      timeoutMs: 20_000,
    });
    await eventually(async () => {
      const res = await t.http().get('/health/ready').expect(200);
      expect((res.body as { degraded: string[] }).degraded).toEqual([]);
    });
  }, 40_000);
});

describeWithRabbitMq('RabbitMQ with wrong credentials', () => {
  let t: TestApp;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    warn = jest.spyOn(Logger.prototype, 'warn');
    const url = new URL(TEST_RABBITMQ_URL);
    url.password = 'not-the-password';
    t = await startAppWith({ RABBITMQ_URL: url.toString(), RABBITMQ_EXCHANGE: 'keel.test.nope' });
  });
  afterAll(async () => {
    warn.mockRestore();
    await t?.close();
  });

  it('logs one line, keeps serving and reports RabbitMQ degraded (no crash loop)', async () => {
    const user = await signUp(t.http);
    await createItem(t.http, user.bearer, { title: 'Still served' });
    // Long enough for several attempts (1 s, then 2 s backoff).
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const res = await t.http().get('/health/ready').expect(200);
    const body = res.body as { degraded: string[]; error: Record<string, { message: string }> };
    expect(body.degraded).toEqual(['rabbitmq']);
    expect(body.error.rabbitmq?.message).toMatch(/ACCESS.REFUSED|403/);
    expect(JSON.stringify(body)).not.toContain('not-the-password');
    const lines = warn.mock.calls.filter(
      ([entry]) => (entry as { event?: string }).event === 'events.broker_unavailable',
    );
    expect(lines).toHaveLength(1);
  }, 30_000);
});

describeWithRabbitMq('two workers', () => {
  const exchange = uniqueExchange('workers');
  let infra: TestInfra;
  let tap: EventTap;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    infra = await provisionInfra();
    tap = await EventTap.open(exchange);
    const env = {
      RABBITMQ_URL: TEST_RABBITMQ_URL,
      RABBITMQ_EXCHANGE: exchange,
      OUTBOX_SWEEP_MS: '100',
      // Both processes accept the same tokens, as a scaled deployment's do.
      JWT_SECRET: randomBytes(32).toString('base64url'),
    };
    first = await startAppWith(env, {}, infra);
    second = await startAppWith(env, {}, infra);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await tap?.close();
    await infra?.cleanup();
  });

  it('publishes each event once', async () => {
    const user = await signUp(first.http);
    const items = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        createItem(i % 2 ? first.http : second.http, user.bearer, { title: `Twice ${i}` }),
      ),
    );
    await Promise.all(items.map((item, i) => patchTimes(i % 2 ? second : first, user, item, 19)));
    const ids = new Set(items.map((i) => i.id));
    const mine = () => tap.messages.filter((m) => ids.has(m.event.subject));
    await eventually(() => expect(mine().length).toBeGreaterThanOrEqual(200), {
      timeoutMs: 30_000,
    });
    // Both relays had the chance to publish a row twice by now.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(mine()).toHaveLength(200);
    expect(new Set(mine().map((m) => m.event.id)).size).toBe(200);
    expectInOrder(
      tap,
      items.map((i) => ({ id: i.id, versions: 20 })),
    );
  }, 60_000);
});
