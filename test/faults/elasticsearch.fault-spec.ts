import { Client, errors } from '@elastic/elasticsearch';
import type { DiagnosticResult } from '@elastic/elasticsearch';
import Mock, { type MockPattern } from '@elastic/elasticsearch-mock';
import { ElasticsearchSearchIndex } from '../../src/modules/search/elasticsearch/elasticsearch-search.index';
import { FailedJobRecovery } from '../../src/modules/indexing/failed-job-recovery';
import { SEARCH_INDEX } from '../../src/modules/search/search-index.port';
import { signUp, type SignedIn } from '../helpers/auth';
import { eventually } from '../helpers/eventually';
import { createItem, type ItemBody } from '../helpers/items';
import type { TestApp } from '../helpers/test-app';
import { startAppWith } from '../helpers/test-app-with';
import { dropRedisKeys, report } from './support';

interface StoredDoc {
  version: number;
  deleted: boolean;
  title: string;
}

type BulkAction = { index?: BulkTarget; delete?: BulkTarget };
interface BulkTarget {
  _index: string;
  _id: string;
  version: number;
  version_type: string;
}

/** A small seeded PRNG (mulberry32): the failure pattern is random but the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function esError(statusCode: number, body: Record<string, unknown>): errors.ResponseError {
  return new errors.ResponseError({
    body,
    statusCode,
    headers: {},
    warnings: null,
  } as unknown as DiagnosticResult);
}

/**
 * An Elasticsearch (the mock) that fails a lot: whole `_bulk` requests answered 503, and in the
 * others single actions rejected with 429, in a seeded random pattern. Its document store honours
 * external versions like Elasticsearch does. The real driver and the real queue sit in front of
 * it; every item written through the API must end up stored at its latest version.
 */
describe('Elasticsearch failing writes', () => {
  let t: TestApp;
  let user: SignedIn;
  const store = new Map<string, StoredDoc>();
  const stats = { bulkRequests: 0, whole503: 0, item429: 0, applied: 0, conflicts: 0 };
  const latest = new Map<string, { version: number; deleted: boolean; title: string }>();
  const random = seeded(20261126);

  function bulk(params: MockPattern): Record<string, unknown> | errors.ResponseError {
    stats.bulkRequests += 1;
    if (stats.bulkRequests % 3 === 1 || random() < 0.2) {
      stats.whole503 += 1;
      return esError(503, {
        error: { type: 'unavailable_shards_exception', reason: 'primary shard is not active' },
        status: 503,
      });
    }
    const lines = (params.body ?? []) as Array<BulkAction | Record<string, unknown>>;
    const items: Array<Record<string, unknown>> = [];
    for (let i = 0; i < lines.length; i += 1) {
      const action = lines[i] as BulkAction;
      const op = action.index !== undefined ? 'index' : 'delete';
      const target = action.index ?? action.delete;
      if (target === undefined) throw new Error('unexpected bulk line');
      const source = op === 'index' ? (lines[(i += 1)] as { title: string }) : null;
      const base = { _index: 'items_v1', _id: target._id };
      if (random() < 0.35) {
        stats.item429 += 1;
        items.push({
          [op]: {
            ...base,
            status: 429,
            error: { type: 'es_rejected_execution_exception', reason: 'queue capacity reached' },
          },
        });
        continue;
      }
      const stored = store.get(target._id);
      if (target.version_type !== 'external') throw new Error('writes must be external-versioned');
      if (stored && stored.version >= target.version) {
        stats.conflicts += 1;
        items.push({
          [op]: {
            ...base,
            status: 409,
            error: { type: 'version_conflict_engine_exception', reason: 'version conflict' },
          },
        });
        continue;
      }
      stats.applied += 1;
      store.set(target._id, {
        version: target.version,
        deleted: op === 'delete',
        title: source?.title ?? stored?.title ?? '',
      });
      items.push({
        [op]: { ...base, _version: target.version, status: op === 'index' ? 201 : 200 },
      });
    }
    const failed = items.some((item) => {
      const entry = Object.values(item)[0] as { status: number };
      return entry.status >= 300;
    });
    return { took: 1, errors: failed, items };
  }

  const prefix = `keel-fault-es-${process.pid}:`;

  beforeAll(async () => {
    const mock = new Mock();
    mock.add({ method: 'HEAD', path: '/_alias/items' }, () => ({}));
    mock.add({ method: 'GET', path: '/_alias/items' }, () => ({
      items_v1: { aliases: { items: {} } },
    }));
    mock.add({ method: 'POST', path: '/_bulk' }, bulk);
    // No client-side retries: every failure reaches the queue, which must retry it.
    const client = new Client({
      node: 'http://localhost:9200',
      Connection: mock.getConnection(),
      maxRetries: 0,
    });
    t = await startAppWith(
      {
        REDIS_KEY_PREFIX: prefix,
        OUTBOX_SWEEP_MS: '100',
        SEARCH_QUEUE_ATTEMPTS: '3',
        SEARCH_QUEUE_BACKOFF_MS: '50',
      },
      { providers: [{ provide: SEARCH_INDEX, useValue: new ElasticsearchSearchIndex(client) }] },
    );
    user = await signUp(t.http);
  });

  afterAll(async () => {
    report('elasticsearch', { ...stats });
    await t?.close();
    await dropRedisKeys(prefix);
  });

  it('retries 503s and 429s until every item is stored at its latest version', async () => {
    const remember = (item: ItemBody, deleted = false): void => {
      latest.set(item.id, { version: item.version, deleted, title: item.title });
    };
    const items: ItemBody[] = [];
    for (let i = 0; i < 12; i += 1) {
      const item = await createItem(t.http, user.bearer, { title: `Flaky index ${i}` });
      items.push(item);
      remember(item);
    }
    for (let round = 1; round <= 3; round += 1) {
      for (const item of items) {
        const res = await t
          .http()
          .patch(`/items/${item.id}`)
          .set('Authorization', user.bearer)
          .send({ title: `${item.title} v${round}` })
          .expect(200);
        remember(res.body as ItemBody);
      }
    }
    for (const item of items.slice(0, 3)) {
      await t.http().delete(`/items/${item.id}`).set('Authorization', user.bearer).expect(204);
      const state = latest.get(item.id);
      // A deletion is one more version.
      if (state) latest.set(item.id, { ...state, version: state.version + 1, deleted: true });
    }

    const recovery = t.app.get(FailedJobRecovery);
    let recovered = 0;
    await eventually(
      async () => {
        // Jobs that ran out of attempts are retried (as the app does by itself every so often).
        recovered += await recovery.runOnce();
        for (const [id, want] of latest) {
          expect({ id, ...store.get(id) }).toEqual({ id, ...want, title: store.get(id)?.title });
          if (!want.deleted) expect(store.get(id)?.title).toBe(want.title);
        }
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    report('elasticsearch recovery', { jobsRetriedByRecovery: recovered });
    // The failures really happened, of both kinds, and were outlived.
    expect(stats.whole503).toBeGreaterThan(0);
    expect(stats.item429).toBeGreaterThan(0);
  }, 90_000);
});
