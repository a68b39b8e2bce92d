import { Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { COLLECT_TIMEOUT_MS, MetricsRegistry, setOrOmit } from './metrics-registry';

describe('MetricsRegistry', () => {
  let metrics: MetricsRegistry;
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(true);
  });
  beforeEach(() => {
    metrics = new MetricsRegistry();
  });
  afterEach(() => {
    jest.useRealTimers();
    metrics.onModuleDestroy();
  });

  const errorsOf = async (collector: string): Promise<number> => {
    const json = await metrics.registry
      .getSingleMetric('keel_metrics_collector_errors_total')
      ?.get();
    return json?.values.find((v) => v.labels.collector === collector)?.value ?? 0;
  };

  it("serves Node's default metrics from its own registry", async () => {
    const text = await metrics.scrape();
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect(metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('returns what a source answers', async () => {
    await expect(metrics.read('queue', () => Promise.resolve(42))).resolves.toBe(42);
    expect(await errorsOf('queue')).toBe(0);
  });

  it('returns null and counts the error when a source fails, synchronously or not', async () => {
    await expect(metrics.read('outbox', () => Promise.reject(new Error('db down')))).resolves.toBe(
      null,
    );
    await expect(
      metrics.read('outbox', () => {
        throw new Error('no pool');
      }),
    ).resolves.toBeNull();
    expect(await errorsOf('outbox')).toBe(2);
  });

  it('gives up on a source that does not answer within the deadline', async () => {
    jest.useFakeTimers();
    const pending = metrics.read('queue', () => new Promise<number>(() => undefined));
    await jest.advanceTimersByTimeAsync(COLLECT_TIMEOUT_MS);
    await expect(pending).resolves.toBeNull();
    jest.useRealTimers();
    expect(await errorsOf('queue')).toBe(1);
  });

  it('leaves a label-less gauge out of the scrape when its value is unknown', async () => {
    const gauge = new Gauge({ name: 'test_gauge', help: 'h', registers: [metrics.registry] });
    setOrOmit(gauge, 3);
    expect(await metrics.scrape()).toMatch(/^test_gauge 3$/m);
    setOrOmit(gauge, null);
    expect(await metrics.scrape()).not.toMatch(/^test_gauge /m);
  });

  it('reads a gauge at each scrape, and omits it while the value is unknown', async () => {
    let value: number | null = 2;
    metrics.gauge('test_read', 'h', () => value);
    expect(await metrics.scrape()).toMatch(/^test_read 2$/m);
    value = null;
    expect(await metrics.scrape()).not.toMatch(/^test_read /m);
  });

  it('exposes one series per key of a labelled reading, as a gauge or a counter', async () => {
    let values: Record<string, number> | null = { idle: 1, used: 2 };
    metrics.labelled({ name: 'test_pool', help: 'h', label: 'state', read: () => values });
    metrics.labelled({
      name: 'test_ops_total',
      help: 'h',
      label: 'result',
      counter: true,
      read: () => ({ hit: 5 }),
    });
    const text = await metrics.scrape();
    expect(text).toMatch(/^test_pool\{state="idle"\} 1$/m);
    expect(text).toMatch(/^test_pool\{state="used"\} 2$/m);
    expect(text).toMatch(/^# TYPE test_ops_total counter$/m);
    expect(text).toMatch(/^test_ops_total\{result="hit"\} 5$/m);
    values = null;
    expect(await metrics.scrape()).not.toMatch(/^test_pool\{/m);
  });
});
