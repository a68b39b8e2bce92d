import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/** A scrape never waits longer than this for one source (Redis or the database may be down). */
export const COLLECT_TIMEOUT_MS = 1000;

/**
 * Sets a gauge without labels, or leaves its series out of the scrape when the value is unknown (a
 * reset gauge would report 0, which reads as "nothing pending" while the database is down).
 */
export function setOrOmit(gauge: Gauge, value: number | null): void {
  gauge.reset();
  if (value === null) gauge.remove();
  else gauge.set(value);
}

/**
 * This application's own Prometheus registry, never prom-client's global one: the tests boot several
 * apps in one process and each must report only itself. Node's default metrics (CPU, memory, event
 * loop, GC, handles) are registered here, once per registry.
 */
@Injectable()
export class MetricsRegistry implements OnModuleDestroy {
  private readonly logger = new Logger(MetricsRegistry.name);
  readonly registry = new Registry();
  private readonly collectorErrors: Counter<'collector'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.collectorErrors = new Counter({
      name: 'keel_metrics_collector_errors_total',
      help: 'Scrapes in which a source (queue, outbox, ...) failed or timed out; its series were left out',
      labelNames: ['collector'],
      registers: [this.registry],
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric of this app. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * Reads one source for a scrape with a deadline. On failure or timeout it counts and logs the
   * error and returns null, so the caller leaves its series out rather than reporting stale values
   * or failing the whole scrape.
   */
  async read<T>(collector: string, source: () => Promise<T>): Promise<T | null> {
    let timer: NodeJS.Timeout | undefined;
    const work = Promise.resolve().then(source);
    // The loser of the race may still reject later; keep that rejection handled.
    work.catch(() => undefined);
    try {
      return await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`timed out after ${COLLECT_TIMEOUT_MS} ms`)),
            COLLECT_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (error) {
      this.collectorErrors.inc({ collector });
      this.logger.warn({
        event: 'metrics.collect_failed',
        collector,
        error: (error as Error).message,
      });
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A gauge without labels whose value `read` gives at each scrape; left out of the scrape while
   * `read` answers null (unknown).
   */
  gauge(name: string, help: string, read: () => number | null | Promise<number | null>): void {
    const gauge: Gauge = new Gauge({
      name,
      help,
      registers: [this.registry],
      collect: async () => setOrOmit(gauge, await read()),
    });
  }

  /**
   * A gauge with one label, one series per key of what `read` gives at each scrape (none while it
   * answers null). `counter: true` exposes running totals as a counter.
   */
  labelled(options: {
    name: string;
    help: string;
    label: string;
    read: () => Record<string, number> | null;
    counter?: boolean;
  }): void {
    const { name, help, label, read } = options;
    const set = (metric: Gauge | Counter, values: Record<string, number> | null): void => {
      metric.reset();
      for (const [key, value] of Object.entries(values ?? {})) {
        if (metric instanceof Gauge) metric.set({ [label]: key }, value);
        else metric.inc({ [label]: key }, value);
      }
    };
    const metric = { name, help, labelNames: [label], registers: [this.registry] };
    if (options.counter) {
      const counter: Counter = new Counter({ ...metric, collect: () => set(counter, read()) });
    } else {
      const gauge: Gauge = new Gauge({ ...metric, collect: () => set(gauge, read()) });
    }
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }
}
