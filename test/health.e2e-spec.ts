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
    // Nothing listens on port 1: Redis, Elasticsearch and RabbitMQ are configured but unreachable.
    t = await startApp({
      REDIS_URL: 'redis://127.0.0.1:1',
      ELASTICSEARCH_NODE: 'http://127.0.0.1:1',
      RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1',
    });
  });
  afterAll(() => t.close());

  it('ready stays 200 (the database answers) and reports each dependency down as degraded', async () => {
    const res = await t.http().get('/health/ready').expect(200);
    const body = res.body as {
      status: string;
      degraded: string[];
      error: Record<string, { status: string; host?: string }>;
      info: Record<string, { status: string }>;
    };
    expect(body.status).toBe('ok');
    expect([...body.degraded].sort()).toEqual(['elasticsearch', 'rabbitmq', 'redis']);
    expect(body.info.database).toEqual({ status: 'up' });
    expect(body.error.rabbitmq).toMatchObject({ status: 'down', host: '127.0.0.1:1' });
    expect(JSON.stringify(body)).not.toContain('guest:guest');
    await t.http().get('/health/live').expect(200);
  });
});
