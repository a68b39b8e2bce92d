import { InProcessJobs } from './in-process-jobs';
import type { InProcessJobsOptions } from './in-process-jobs';

type Data = { n: number };

const jobsWith = (options: Partial<InProcessJobsOptions<Data>>) =>
  new InProcessJobs<Data>({
    run: () => Promise.resolve(),
    attempts: 3,
    backoffMs: 10,
    keepCompleted: 100,
    ...options,
  });

/** Lets the run function's promise settle (no timers involved). */
const settle = () =>
  Promise.resolve()
    .then(() => undefined)
    .then(() => undefined);

describe('InProcessJobs', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('retries a failing job with exponential backoff, then completes it once', async () => {
    const calls: number[] = [];
    let failures = 2;
    const retries: Array<[number, string]> = [];
    const jobs = jobsWith({
      attempts: 5,
      backoffMs: 100,
      onRetry: (job, reason) => retries.push([job.attemptsMade, reason]),
      run: () => {
        calls.push(Date.now());
        return failures-- > 0 ? Promise.reject(new Error('smtp down')) : Promise.resolve();
      },
    });
    jobs.start();
    jobs.add([{ id: 'a', data: { n: 1 } }]);
    await settle();
    expect(jobs.counts()).toMatchObject({ delayed: 1, completed: 0 });
    await jest.advanceTimersByTimeAsync(100); // first retry after 100 ms
    await jest.advanceTimersByTimeAsync(200); // second after 200 ms more
    await settle();
    expect(calls.map((t) => t - calls[0])).toEqual([0, 100, 300]);
    expect(jobs.counts()).toMatchObject({ completed: 1, delayed: 0, failed: 0 });
    expect(retries).toEqual([
      [1, 'smtp down'],
      [2, 'smtp down'],
    ]);
    jobs.stop();
  });

  it('keeps a job that used every attempt as failed, and runs a job id only once', async () => {
    const run = jest.fn(() => Promise.reject(new Error('smtp down')));
    const onFailed = jest.fn();
    const jobs = jobsWith({ attempts: 2, backoffMs: 10, run, onFailed });
    jobs.start();
    jobs.add([{ id: 'same-id', data: { n: 1 } }]);
    jobs.add([
      { id: 'same-id', data: { n: 2 } },
      { id: 'same-id', data: { n: 3 } },
    ]);
    await settle();
    await jest.advanceTimersByTimeAsync(10);
    await settle();
    expect(run).toHaveBeenCalledTimes(2);
    expect(run).toHaveBeenCalledWith({ n: 1 });
    expect(jobs.counts()).toMatchObject({ failed: 1, delayed: 0, waiting: 0 });
    expect(onFailed).toHaveBeenCalledTimes(1);
    expect(onFailed).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'same-id', attemptsMade: 2 }),
      'smtp down',
    );
    jobs.stop();
  });

  it('puts failed jobs back with fresh attempts on retryFailed', async () => {
    let fail = true;
    const run = jest.fn(() => (fail ? Promise.reject(new Error('down')) : Promise.resolve()));
    const jobs = jobsWith({ attempts: 2, backoffMs: 10, run });
    jobs.start();
    jobs.add([{ id: 'a', data: { n: 1 } }]);
    await settle();
    await jest.advanceTimersByTimeAsync(10);
    await settle();
    expect(run).toHaveBeenCalledTimes(2);
    expect(jobs.counts()).toMatchObject({ failed: 1 });
    expect(jobs.retryFailed()).toBe(1);
    await settle();
    // Fresh attempts: the first failure after the retry is retried again, not final.
    expect(jobs.counts()).toMatchObject({ failed: 0, delayed: 1 });
    fail = false;
    await jest.advanceTimersByTimeAsync(10);
    await settle();
    expect(run).toHaveBeenCalledTimes(4);
    expect(jobs.counts()).toMatchObject({ failed: 0, delayed: 0, completed: 1 });
    expect(jobs.retryFailed()).toBe(0);
    jobs.stop();
  });

  it('keeps at most keepCompleted completed jobs, dropping the oldest (their ids run again)', async () => {
    const run = jest.fn(() => Promise.resolve());
    const jobs = jobsWith({ keepCompleted: 2, run });
    jobs.start();
    for (const id of ['a', 'b', 'c']) jobs.add([{ id, data: { n: 0 } }]);
    await settle();
    expect(jobs.counts()).toMatchObject({ completed: 2 });
    jobs.add([{ id: 'c', data: { n: 0 } }]); // still kept: deduplicated
    await settle();
    expect(run).toHaveBeenCalledTimes(3);
    jobs.add([{ id: 'a', data: { n: 0 } }]); // dropped: a new job
    await settle();
    expect(run).toHaveBeenCalledTimes(4);
    expect(jobs.counts()).toMatchObject({ completed: 2 });
    jobs.stop();
  });

  it('runs nothing until started as a worker, and no retry after stop', async () => {
    const run = jest.fn(() => Promise.reject(new Error('down')));
    const idle = jobsWith({ run });
    idle.start(false);
    idle.add([{ id: 'a', data: { n: 1 } }]);
    await settle();
    expect(run).not.toHaveBeenCalled();
    expect(idle.counts()).toMatchObject({ waiting: 1 });

    const jobs = jobsWith({ run, backoffMs: 10 });
    jobs.start();
    jobs.add([{ id: 'b', data: { n: 1 } }]);
    await settle();
    expect(run).toHaveBeenCalledTimes(1);
    jobs.stop();
    await jest.advanceTimersByTimeAsync(1000);
    expect(run).toHaveBeenCalledTimes(1);
    expect(jobs.counts()).toMatchObject({ delayed: 1 });
  });
});
