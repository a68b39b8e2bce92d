/** Queue names (Bull queue name and key segment). */
export enum QueueName {
  SearchIndex = 'search-index',
}

/** Job names on the search-index queue; each has exactly one handler (SearchIndexProcessor, in batches). */
export enum SearchJobName {
  IndexItem = 'index-item',
}

/** Payload of SearchJobName.IndexItem: the processor loads the current item, whatever the version. */
export interface SearchIndexJob {
  itemId: string;
  version: number;
}

/** One job id per item version: enqueueing the same event twice (outbox redelivery) is a no-op. */
export const searchJobId = (job: SearchIndexJob): string => `${job.itemId}:${job.version}`;

export const QUEUE_STATES = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];
export type QueueCounts = Record<QueueState, number>;

export const SEARCH_QUEUE = Symbol('SEARCH_QUEUE');

/** The search-index queue, on Bull (Redis) or in process: same contract either way. */
export interface SearchQueue {
  /** Adds jobs (deduplicated by item id and version); throws if the queue cannot take them now. */
  enqueue(jobs: SearchIndexJob[]): Promise<void>;
  counts(): Promise<QueueCounts>;
  /** Moves every failed job back to waiting; returns how many. */
  retryFailed(): Promise<number>;
}

/** Completed jobs kept for dedup and counts (a count, never `true`: see STACK gotcha 1). */
export const KEEP_COMPLETED = 1000;
/** Most jobs one bulk write carries, and how long the batcher waits to fill one. */
export const BATCH_SIZE = 200;
export const BATCH_WAIT_MS = 50;
/** Jobs a Bull worker holds at once (they are batched together). */
export const WORKER_CONCURRENCY = 100;
