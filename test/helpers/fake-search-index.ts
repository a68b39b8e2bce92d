import type {
  IndexDocument,
  IndexRebuild,
  IndexWriteResult,
  SearchIndex,
  SearchPage,
} from '../../src/modules/search/search-index.port';

export interface FakeDoc {
  version: number;
  deleted: boolean;
  title: string;
}

/**
 * A SearchIndex of kind 'elasticsearch' that keeps documents in memory with Elasticsearch's
 * semantics where the tests need them: external versions (a lower version never overwrites), index
 * generations behind an alias (rebuild builds the next one, publish swaps), retryable failures on
 * demand, and an `up` switch for readiness.
 */
export class FakeSearchIndex implements SearchIndex {
  readonly kind = 'elasticsearch' as const;
  readonly generations = new Map<string, Map<string, FakeDoc>>([['items_v1', new Map()]]);
  alias = 'items_v1';
  /** Item id → how many more writes of it fail (retryable). */
  readonly failures = new Map<string, number>();
  /** When false, ready() is false and writes throw (Elasticsearch unreachable). */
  up = true;
  /** Delay of each write into a generation being rebuilt (to keep a reindex running a while). */
  rebuildWriteDelayMs = 0;

  /** The live generation's documents. */
  get docs(): Map<string, FakeDoc> {
    const live = this.generations.get(this.alias);
    if (!live) throw new Error(`alias points to missing ${this.alias}`);
    return live;
  }

  search(): Promise<SearchPage> {
    return Promise.resolve({ data: [], total: 0, nextCursor: null });
  }

  suggest(): Promise<string[]> {
    return Promise.resolve([]);
  }

  ready(): Promise<boolean> {
    return Promise.resolve(this.up);
  }

  write(documents: IndexDocument[]): Promise<IndexWriteResult> {
    return this.writeInto(this.alias, documents);
  }

  rebuild(): Promise<IndexRebuild> {
    if (!this.up) return Promise.reject(new Error('connect ECONNREFUSED'));
    const source = this.alias;
    const target = `items_v${this.generations.size + 1}`;
    this.generations.set(target, new Map());
    const writeInto = (documents: IndexDocument[]): Promise<IndexWriteResult> =>
      this.delay().then(() => this.writeInto(target, documents));
    const rebuild: IndexRebuild = {
      source,
      target,
      copiesDocuments: true,
      write: writeInto,
      publish: () => {
        this.alias = target;
        return Promise.resolve();
      },
      cleanup: () => {
        this.generations.delete(source);
        return Promise.resolve();
      },
      abort: () => {
        this.generations.delete(target);
        return Promise.resolve();
      },
    };
    return Promise.resolve(rebuild);
  }

  private delay(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.rebuildWriteDelayMs));
  }

  private writeInto(index: string, documents: IndexDocument[]): Promise<IndexWriteResult> {
    if (!this.up) return Promise.reject(new Error('connect ECONNREFUSED'));
    const docs = this.generations.get(index);
    if (!docs) return Promise.reject(new Error(`index_not_found_exception: ${index}`));
    const failed: IndexWriteResult['failed'] = [];
    for (const { item, deleted } of documents) {
      const left = this.failures.get(item.id) ?? 0;
      if (left > 0) {
        this.failures.set(item.id, left - 1);
        failed.push({ id: item.id, reason: 'es_rejected_execution_exception', retryable: true });
        continue;
      }
      const stored = docs.get(item.id);
      if (stored && stored.version > item.version) continue;
      docs.set(item.id, { version: item.version, deleted, title: item.title });
    }
    return Promise.resolve({ failed });
  }
}
