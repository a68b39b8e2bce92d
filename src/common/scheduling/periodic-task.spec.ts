import { PeriodicTask, type TaskLogger } from './periodic-task';

/** A promise the test settles by hand, to hold a run in progress. */
function gate(): { promise: Promise<void>; open: () => void; fail: (error: Error) => void } {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Lets every pending promise reaction run. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
};

function recordingLogger(): TaskLogger & { entries: Array<{ level: string; entry: object }> } {
  const entries: Array<{ level: string; entry: object }> = [];
  return {
    entries,
    warn: (entry) => entries.push({ level: 'warn', entry }),
    error: (entry) => entries.push({ level: 'error', entry }),
  };
}

describe('PeriodicTask', () => {
  let runs: number;
  let active: number;
  let maxActive: number;
  let gates: Array<ReturnType<typeof gate>>;
  let logger: ReturnType<typeof recordingLogger>;
  let task: PeriodicTask;

  /** Each run waits on its own gate, opened by the test. */
  const held = async (): Promise<void> => {
    runs += 1;
    active += 1;
    maxActive = Math.max(maxActive, active);
    const g = gate();
    gates.push(g);
    try {
      await g.promise;
    } finally {
      active -= 1;
    }
  };

  beforeEach(() => {
    jest.useFakeTimers();
    runs = 0;
    active = 0;
    maxActive = 0;
    gates = [];
    logger = recordingLogger();
    task = new PeriodicTask(held, { logger, failureEvent: 'test.failed' });
  });

  afterEach(async () => {
    gates.forEach((g) => g.open());
    await task.stop();
    jest.useRealTimers();
  });

  it('runs once per interval, and not at start unless asked', async () => {
    task = new PeriodicTask(
      () => {
        runs += 1;
        return Promise.resolve();
      },
      { logger, failureEvent: 'test.failed' },
    );
    task.start(1000);
    await settle();
    expect(runs).toBe(0);
    await jest.advanceTimersByTimeAsync(3000);
    expect(runs).toBe(3);
  });

  it('runs at once with runAtStart', async () => {
    task.start(1000, { runAtStart: true });
    await settle();
    expect(runs).toBe(1);
  });

  it('never overlaps runs, and turns any number of wakes during a run into one run after it', async () => {
    task.start(1000, { runAtStart: true });
    await settle();
    for (let i = 0; i < 5; i += 1) task.wake();
    await jest.advanceTimersByTimeAsync(5000); // five ticks while the first run is held
    expect(runs).toBe(1);
    gates[0].open();
    await settle();
    expect(runs).toBe(2);
    gates[1].open();
    await settle();
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);
  });

  it('runNow resolves once a run that started after the call has finished', async () => {
    const first = task.runNow();
    await settle();
    let secondDone = false;
    const second = task.runNow().then(() => {
      secondDone = true;
    });
    gates[0].open();
    await first;
    await settle();
    expect(runs).toBe(2);
    expect(secondDone).toBe(false);
    gates[1].open();
    await second;
    expect(secondDone).toBe(true);
  });

  it('wake does nothing before start; runNow works without start', async () => {
    task.wake();
    await settle();
    expect(runs).toBe(0);
    const done = task.runNow();
    await settle();
    expect(runs).toBe(1);
    gates[0].open();
    await done;
  });

  it('logs a failed run with its event at the configured level, and keeps running', async () => {
    task = new PeriodicTask(held, { logger, failureEvent: 'test.failed', failureLevel: 'error' });
    task.start(1000, { runAtStart: true });
    await settle();
    gates[0].fail(new Error('database away'));
    await settle();
    expect(logger.entries).toEqual([
      { level: 'error', entry: { event: 'test.failed', error: 'database away' } },
    ]);
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(2);
  });

  it('logs at warn by default, and survives work that throws before its first await', async () => {
    task = new PeriodicTask(
      () => {
        runs += 1;
        throw new Error('thrown synchronously');
      },
      { logger, failureEvent: 'test.failed' },
    );
    await task.runNow();
    await task.runNow();
    expect(runs).toBe(2);
    expect(logger.entries.map((e) => e.level)).toEqual(['warn', 'warn']);
  });

  it('stop waits for the run in progress, flags it as stopping, and nothing runs after', async () => {
    task.start(1000, { runAtStart: true });
    await settle();
    task.wake(); // a run queued behind the one in progress must not start once stopped
    let stopped = false;
    const stopping = task.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(task.stopping).toBe(true);
    expect(stopped).toBe(false);
    gates[0].open();
    await stopping;
    expect(stopped).toBe(true);
    task.wake();
    await task.runNow();
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(1);
    expect(task.started).toBe(false);
  });

  it('starts once, and can start again after a stop', async () => {
    task.start(1000);
    task.start(10);
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(1);
    gates[0].open();
    await task.stop();
    task.start(1000);
    expect(task.stopping).toBe(false);
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(2);
  });

  it('does not keep the process alive (its timer is unref-ed)', () => {
    const spy = jest.spyOn(global, 'setInterval');
    task.start(1000);
    const timer = spy.mock.results[0]?.value as NodeJS.Timeout;
    spy.mockRestore();
    expect(timer.hasRef()).toBe(false);
  });
});
