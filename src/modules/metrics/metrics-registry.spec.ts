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
});
