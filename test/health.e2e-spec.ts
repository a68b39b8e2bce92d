import { startApp, TestApp } from './helpers/test-app';

describe('health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('live answers 200 without authentication', async () => {
    const res = await t.http().get('/health/live').expect(200);
    expect(res.body).toMatchObject({ status: 'ok' });
  });

  it('ready checks the database, and Redis when it is configured', async () => {
    const res = await t.http().get('/health/ready').expect(200);
    const details = (res.body as { details: Record<string, { status: string }> }).details;
    expect(details.database).toEqual({ status: 'up' });
    if (t.config.redis) expect(details.redis).toEqual({ status: 'up' });
    else expect(details.redis).toBeUndefined();
  });
});

describe('health with a dependency down', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Nothing listens on port 1: Redis and Elasticsearch are configured but unreachable.
    t = await startApp({
      REDIS_URL: 'redis://127.0.0.1:1',
      ELASTICSEARCH_NODE: 'http://127.0.0.1:1',
    });
  });
  afterAll(() => t.close());

  it('ready answers 503 problem+json naming what is down, live stays 200', async () => {
    const res = await t.http().get('/health/ready').expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBeDefined();
    const fields = (res.body as { errors: Array<{ field: string }> }).errors
      .map((e) => e.field)
      .sort();
    expect(fields).toEqual(['elasticsearch', 'redis']);
    await t.http().get('/health/live').expect(200);
  });
});
