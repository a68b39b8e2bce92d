import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { performance } from 'node:perf_hooks';
import { TcpProxy } from '../test/helpers/tcp-proxy';
import { mapLimited, requestJson, stringField } from './lib/http';
import { signUp, startKeel } from './lib/keel';
import type { Measurement } from './lib/load';
import { progress } from './lib/log';
import { positiveInt } from './lib/settings';
import { type BenchSuite, scenarioResult, type SuiteContext, wants } from './lib/suite';
import type { ScenarioResult } from './lib/table';

/** The events suite's goal (bench/README.md, Events suite): events/s ≥ 0.7 × the bare publisher. */
const GOAL_RATIO = 0.7;
const DRAIN_TIMEOUT_MS = 120_000;
/**
 * The most publishes the relay keeps awaiting confirms (3 batches of 250, outbox.relay.ts): the
 * baseline keeps as many in flight all the time.
 */
const IN_FLIGHT = 750;

const rabbitUrl = (): string =>
  process.env.BENCH_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0
  );
}

/** A TCP proxy in front of the broker, and the broker's URL through it. */
async function proxiedBroker(): Promise<{ proxy: TcpProxy; via: URL }> {
  const proxy = await new TcpProxy('127.0.0.1', Number(new URL(rabbitUrl()).port || 5672)).start();
  const via = new URL(rabbitUrl());
  via.host = `127.0.0.1:${proxy.port}`;
  return { proxy, via };
}

/** Waits for the backlog's acks: how many never came, and first ack → last ack. */
async function drained(consumer: Consumer, titles: readonly string[]) {
  const missing = await consumer.waitFor(titles);
  const acks = titles.map((t) => consumer.ackedAt.get(t) ?? 0).filter((t) => t > 0);
  return { missing, acks, drainSeconds: (Math.max(...acks) - Math.min(...acks)) / 1000 };
}

/**
 * Sends one event per title at `rate`/s; `send` resolves to the time latency counts from. Latency
 * = the consumer's ack − that time.
 */
async function paced(
  consumer: Consumer,
  titles: readonly string[],
  rate: number,
  send: (title: string) => Promise<number>,
): Promise<{ latencies: number[]; missing: number }> {
  const from = new Map<string, number>();
  const started = performance.now();
  for (const [i, title] of titles.entries()) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    from.set(title, await send(title));
  }
  const missing = await consumer.waitFor(titles);
  const latencies = titles
    .map((t) => (consumer.ackedAt.get(t) ?? NaN) - (from.get(t) ?? NaN))
    .filter((ms) => Number.isFinite(ms));
  return { latencies, missing };
}

/** A consumer with manual acks recording when each message (keyed by `keyOf`) was acked. */
class Consumer {
  readonly ackedAt = new Map<string, number>();
  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
  ) {}

  static async open(exchange: string, keyOf: (body: unknown) => string): Promise<Consumer> {
    const connection = await amqp.connect(rabbitUrl());
    const channel = await connection.createChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, exchange, '#');
    await channel.prefetch(500);
    const consumer = new Consumer(connection, channel);
    await channel.consume(queue, (msg) => {
      if (!msg) return;
      channel.ack(msg);
      const key = keyOf(JSON.parse(msg.content.toString('utf8')) as unknown);
      if (!consumer.ackedAt.has(key)) consumer.ackedAt.set(key, performance.now());
    });
    return consumer;
  }

  async waitFor(keys: readonly string[]): Promise<number> {
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    while (performance.now() < deadline && keys.some((k) => !this.ackedAt.has(k))) await sleep(20);
    return keys.filter((k) => !this.ackedAt.has(k)).length;
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

const titleKey = (body: unknown): string => {
  const data = (body as { data?: { item?: { title?: string } } }).data;
  return data?.item?.title ?? '';
};

function measurement(
  count: number,
  seconds: number,
  latencies: number[],
  missing: number,
): Measurement {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requestsPerSecond: seconds > 0 ? count / seconds : 0,
    latencyP50Ms: percentile(sorted, 50),
    latencyP99Ms: percentile(sorted, 99),
    latencyAverageMs: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
    requests: count,
    durationSeconds: seconds,
    non2xx: 0,
    errors: missing,
    timeouts: 0,
    statusCodes: {},
    serverCpuMsPerRequest: null,
  };
}

/**
 * Keel: N items written while the broker is cut off (their events wait in the outbox), then the
 * broker is let through; events/s = N ÷ (first ack → last ack) of the backlog's drain. Then
 * `live` items written at `rate`/s with the broker up: latency = consumer ack − the moment the
 * POST's 201 arrived (the commit happened just before it).
 */
async function keelRun(ctx: SuiteContext, n: number, live: number, rate: number) {
  const exchange = `keel.bench.${ctx.runId}`;
  const { proxy, via } = await proxiedBroker();
  const keel = await startKeel({
    name: 'keel-events',
    infra: ctx.infra,
    settings: ctx.settings,
    redisKeyPrefix: `${ctx.infra.redisKeyPrefix}events:`,
    cacheTtlSeconds: 300,
    workers: 'inline',
    env: { RABBITMQ_URL: via.toString(), RABBITMQ_EXCHANGE: exchange },
  });
  const consumer = await Consumer.open(exchange, titleKey);
  try {
    const user = await signUp(keel.url, 'events', ctx.runId);
    const post = (title: string) =>
      requestJson(`${keel.url}/items`, {
        method: 'POST',
        token: user.accessToken,
        body: { title, body: 'Keel bench event item.', tags: ['bench'], status: 'published' },
        expect: [201],
      });
    proxy.cut();
    const backlog = Array.from({ length: n }, (_, i) => `backlog ${ctx.runId} ${i}`);
    await mapLimited(backlog, 10, (title) => post(title));
    progress(`keel-events: ${n} events committed with the broker cut off; letting it through`);
    proxy.restore();
    const { missing, acks, drainSeconds } = await drained(consumer, backlog);

    const liveTitles = Array.from({ length: live }, (_, i) => `live ${ctx.runId} ${i}`);
    const { latencies, missing: liveMissing } = await paced(
      consumer,
      liveTitles,
      rate,
      async (t) => {
        stringField((await post(t)).body, 'id');
        return performance.now();
      },
    );
    return measurement(acks.length, drainSeconds, latencies, missing + liveMissing);
  } finally {
    await consumer.close();
    await keel.child.stop();
    await proxy.stop();
  }
}

/**
 * The bare publisher: amqplib on a confirm channel, persistent, IN_FLIGHT awaiting confirms, the
 * same message properties as Keel's, and through the same kind of TCP proxy (never cut) so both
 * sides pay the same extra hop in this process.
 */
async function baselineRun(ctx: SuiteContext, n: number, live: number, rate: number) {
  const exchange = `keel.bench.baseline.${ctx.runId}`;
  const consumer = await Consumer.open(exchange, titleKey);
  const { proxy, via } = await proxiedBroker();
  const connection = await amqp.connect(via.toString());
  const channel = await connection.createConfirmChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const body = (id: string, title: string) =>
    Buffer.from(
      JSON.stringify({
        specversion: '1.0',
        id,
        source: '/keel',
        type: 'item.created',
        subject: crypto.randomUUID(),
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        entityversion: 1,
        data: {
          item: {
            id: crypto.randomUUID(),
            ownerId: crypto.randomUUID(),
            title,
            body: 'Keel bench event item.',
            tags: ['bench'],
            status: 'published',
            version: 1,
            createdAt: new Date().toISOString(),
            updatedAt: new Date().toISOString(),
          },
          previousStatus: null,
        },
      }),
    );
  const publish = (title: string) => {
    const id = crypto.randomUUID();
    const properties = {
      persistent: true,
      messageId: id,
      type: 'item.created',
      contentType: 'application/cloudevents+json',
      timestamp: Math.floor(Date.now() / 1000),
    };
    return new Promise<void>((resolve, reject) =>
      channel.publish(exchange, 'item.created', body(id, title), properties, (err) =>
        err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(),
      ),
    );
  };
  try {
    const backlog = Array.from({ length: n }, (_, i) => `base backlog ${ctx.runId} ${i}`);
    await mapLimited(backlog, IN_FLIGHT, (title) => publish(title));
    const { missing, acks, drainSeconds } = await drained(consumer, backlog);

    const liveTitles = Array.from({ length: live }, (_, i) => `base live ${ctx.runId} ${i}`);
    const { latencies, missing: liveMissing } = await paced(
      consumer,
      liveTitles,
      rate,
      async (t) => {
        const before = performance.now();
        await publish(t);
        return before;
      },
    );
    return measurement(acks.length, drainSeconds, latencies, missing + liveMissing);
  } finally {
    await channel.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
    await consumer.close();
    await proxy.stop();
  }
}

async function runEvents(ctx: SuiteContext): Promise<ScenarioResult[]> {
  if (!wants(ctx.settings, 'm')) return [];
  const n = positiveInt('BENCH_EVENTS', 2000, 100_000);
  const live = positiveInt('BENCH_EVENTS_LIVE', 200, 10_000);
  const rate = positiveInt('BENCH_EVENTS_RATE', 20, 1000);
  const baseline = await baselineRun(ctx, n, live, rate);
  const keel = await keelRun(ctx, n, live, rate);
  return [
    scenarioResult({
      id: 'm',
      title: `events: outbox → RabbitMQ → consumer ack (${n} backlog, ${live} live at ${rate}/s)`,
      keel,
      baseline,
      goal: GOAL_RATIO,
      notes: [
        'req/s columns = events/s: backlog size ÷ (first ack → last ack) while the backlog drains',
        `latency = consumer ack − the POST's 201 (Keel: the commit happened just before it) or the ` +
          `publish call (baseline), over ${live} events at ${rate}/s`,
        `baseline: bare amqplib confirm channel, persistent, ${IN_FLIGHT} awaiting confirms (the ` +
          "relay's most), " +
          'same CloudEvents-sized body and properties, through the same TCP proxy (never cut); ' +
          'errors column = events never acked',
        'Keel: WORKERS=inline on MariaDB + Redis; the broker reached through a TCP proxy the bench ' +
          'cuts while the backlog is written',
      ],
    }),
  ];
}

export const eventsSuite: BenchSuite = { name: 'events', run: runEvents };
