import type { Queue } from 'bull';
import type { JobCounts } from './in-process-jobs';

/**
 * Waits (at most `ms` per client) for the queue's Redis clients to be ready: Bull throws when a
 * queue is closed before its clients are ready (STACK gotcha 1).
 */
export async function waitForClients(queue: Queue, ms: number): Promise<void> {
  await Promise.all(
    queue.clients.map((client) =>
      client.status === 'ready'
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, ms);
            client.once('ready', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
    ),
  );
}

/**
 * Closes the queue (no new jobs taken, the active ones awaited), waiting at most `ms`: with Redis
 * gone, Bull's close would wait for a reconnect, so the grace period is the real bound.
 */
export async function closeWithin(queue: Queue, ms: number): Promise<void> {
  const closed = queue.close();
  closed.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/**
 * Fails fast when the queue's Redis client is not ready (ioredis would hold the commands while
 * disconnected), else runs `add` and fails if it has not settled within `ms`. `what` names the
 * queue in the error ("mail queue unavailable (...)").
 */
export async function addWithin<R>(
  queue: Queue,
  add: () => Promise<R>,
  ms: number,
  what: string,
): Promise<void> {
  if (queue.client.status !== 'ready') {
    throw new Error(`${what} unavailable (redis ${queue.client.status})`);
  }
  const added = add();
  // If the timeout wins, `added` may still reject later (e.g. on shutdown): keep that handled.
  added.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} unavailable (enqueue timed out)`)), ms);
  });
  try {
    await Promise.race([added, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The queue's job counts, in the states both profiles report (Bull's `paused` left out). */
export async function jobCounts(queue: Queue): Promise<JobCounts> {
  const c = await queue.getJobCounts();
  return {
    waiting: c.waiting,
    active: c.active,
    completed: c.completed,
    failed: c.failed,
    delayed: c.delayed,
  };
}
