import type { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../../../config/configuration';
import type { AccountMailProcessor } from './account-mail.processor';
import { InProcessMailQueue } from './in-process-mail.queue';
import type { MailJob } from './mail.job';

const config = (attempts: number, backoffMs: number) =>
  ({
    get: (key: string) => (key === 'mail' ? { attempts, backoffMs } : 'inline'),
  }) as unknown as ConfigService<AppConfig, true>;

const job: MailJob = { kind: 'password-reset', email: 'ada@example.test' };

describe('InProcessMailQueue', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Lets the processor's promise settle (no timers involved). */
  const settle = () =>
    Promise.resolve()
      .then(() => undefined)
      .then(() => undefined);

  it('retries a failing job with exponential backoff, then completes it once', async () => {
    const calls: number[] = [];
    let failures = 2;
    const processor = {
      run: jest.fn(() => {
        calls.push(Date.now());
        return failures-- > 0 ? Promise.reject(new Error('smtp down')) : Promise.resolve();
      }),
    } as unknown as AccountMailProcessor;
    const queue = new InProcessMailQueue(processor, config(5, 100));
    queue.onApplicationBootstrap();
    await queue.enqueue(job);
    await settle();
    expect(await queue.counts()).toMatchObject({ delayed: 1, completed: 0 });
    await jest.advanceTimersByTimeAsync(100); // first retry after 100 ms
    await jest.advanceTimersByTimeAsync(200); // second after 200 ms more
    await settle();
    expect(calls.map((t) => t - calls[0])).toEqual([0, 100, 300]);
    expect(await queue.counts()).toMatchObject({ completed: 1, delayed: 0, failed: 0 });
    queue.onModuleDestroy();
  });

  it('keeps a job that used every attempt as failed, and runs a job id only once', async () => {
    const processor = {
      run: jest.fn(() => Promise.reject(new Error('smtp down'))),
    } as unknown as AccountMailProcessor;
    const queue = new InProcessMailQueue(processor, config(2, 10));
    queue.onApplicationBootstrap();
    await queue.enqueue(job, 'same-id');
    await queue.enqueue(job, 'same-id');
    await settle();
    await jest.advanceTimersByTimeAsync(10);
    await settle();
    expect(processor.run).toHaveBeenCalledTimes(2);
    expect(await queue.counts()).toMatchObject({ failed: 1, delayed: 0, waiting: 0 });
    queue.onModuleDestroy();
  });
});
