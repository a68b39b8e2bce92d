import { EventEmitter } from 'node:events';
import type { Queue } from 'bull';
import { addWithin, closeWithin, jobCounts, waitForClients } from './bull-queue-lifecycle';

class FakeClient extends EventEmitter {
  constructor(public status: string) {
    super();
  }
}

const fakeQueue = (clients: FakeClient[], close: () => Promise<void> = () => Promise.resolve()) =>
  ({ client: clients[0], clients, close }) as unknown as Queue;

const never = () => new Promise<never>(() => undefined);

describe('bull queue lifecycle', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('addWithin fails fast, without adding, when Redis is not ready', async () => {
    const add = jest.fn(() => Promise.resolve());
    const queue = fakeQueue([new FakeClient('reconnecting')]);
    await expect(addWithin(queue, add, 100, 'mail queue')).rejects.toThrow(
      'mail queue unavailable (redis reconnecting)',
    );
    expect(add).not.toHaveBeenCalled();
  });

  it('addWithin resolves with the add, and fails when the add does not settle in time', async () => {
    const queue = fakeQueue([new FakeClient('ready')]);
    await expect(addWithin(queue, () => Promise.resolve(1), 100, 'q')).resolves.toBeUndefined();
    const pending = addWithin(queue, never, 100, 'search queue');
    const outcome = expect(pending).rejects.toThrow('search queue unavailable (enqueue timed out)');
    await jest.advanceTimersByTimeAsync(100);
    await outcome;
  });

  it('closeWithin returns after the grace period when close hangs, at once when it settles', async () => {
    let done = false;
    const hanging = closeWithin(fakeQueue([new FakeClient('ready')], never), 500).then(
      () => (done = true),
    );
    await jest.advanceTimersByTimeAsync(499);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await hanging;
    expect(done).toBe(true);
    const close = jest.fn(() => Promise.resolve());
    await closeWithin(fakeQueue([new FakeClient('ready')], close), 500);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('waitForClients waits for the clients not ready, at most the timeout', async () => {
    const late = new FakeClient('connecting');
    const never = new FakeClient('connecting');
    let done = false;
    const waiting = waitForClients(fakeQueue([new FakeClient('ready'), late]), 1000).then(
      () => (done = true),
    );
    await jest.advanceTimersByTimeAsync(10);
    expect(done).toBe(false);
    late.emit('ready');
    await waiting;
    const bounded = waitForClients(fakeQueue([never]), 1000).then(() => (done = false));
    await jest.advanceTimersByTimeAsync(1000);
    await bounded;
    expect(done).toBe(false);
  });

  it('jobCounts reports the five states both profiles share', async () => {
    const counts = { waiting: 1, active: 2, completed: 3, failed: 4, delayed: 5, paused: 6 };
    const queue = { getJobCounts: () => Promise.resolve(counts) } as unknown as Queue;
    await expect(jobCounts(queue)).resolves.toEqual({
      waiting: 1,
      active: 2,
      completed: 3,
      failed: 4,
      delayed: 5,
    });
  });
});
