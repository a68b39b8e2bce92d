import { workerConfig } from './worker';

describe('workerConfig', () => {
  const base = { NODE_ENV: 'test', SQLITE_PATH: '/tmp/keel-worker-spec.sqlite' };

  it('refuses to run a worker without Redis, in one line naming REDIS_URL', () => {
    expect(() => workerConfig(base)).toThrow(
      /^Invalid configuration: REDIS_URL: the worker process needs Redis \(without it, run only the API with WORKERS=inline\)$/,
    );
  });

  it('always runs the background work, whatever WORKERS says', () => {
    const config = workerConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379', WORKERS: 'off' });
    expect(config.workers).toBe('inline');
    expect(config.redis?.url).toBe('redis://127.0.0.1:6379');
  });
});
