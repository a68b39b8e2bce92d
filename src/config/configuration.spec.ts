import { ConfigError, loadConfig } from './configuration';

const SECRET = 'x'.repeat(40);

describe('loadConfig', () => {
  it('runs on embedded defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.db).toMatchObject({ type: 'sqlite', migrationsRun: true });
    expect(config.db.type === 'sqlite' && config.db.path.endsWith('data/keel.sqlite')).toBe(true);
    expect(config.redis).toBeNull();
    expect(config.elasticsearch).toBeNull();
    expect(config.jwt).toMatchObject({ algorithm: 'HS256', secret: null, accessTtlSeconds: 900 });
  });

  it('selects MySQL when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://keel:pw@db:3306/keel' });
    expect(config.db).toMatchObject({ type: 'mysql', url: 'mysql://keel:pw@db:3306/keel' });
  });

  it.each([
    ['PORT', 'abc', /^Invalid configuration: PORT: .*(got "abc")/],
    ['PORT', '70000', /PORT: .*65535/],
    ['DATABASE_URL', 'postgres://x@y/z', /DATABASE_URL: must look like mysql:\/\//],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL: must look like redis:\/\//],
    ['ELASTICSEARCH_NODE', 'es:9200', /ELASTICSEARCH_NODE: must look like http:\/\//],
    [
      'JWT_SECRET',
      'short',
      /JWT_SECRET: must be at least 32 characters \(use: openssl.*\(value hidden\)/,
    ],
    ['JWT_ACCESS_TTL', '5', /JWT_ACCESS_TTL: /],
    ['AUTH_COOKIE_SECURE', 'maybe', /AUTH_COOKIE_SECURE: /],
    ['BODY_LIMIT', 'lots', /BODY_LIMIT: must be a size/],
    ['NODE_ENV', 'staging', /NODE_ENV: /],
  ])('rejects %s=%s with one line naming it', (name, value, message) => {
    const fail = (): unknown => loadConfig({ [name]: value });
    expect(fail).toThrow(ConfigError);
    expect(fail).toThrow(message);
    try {
      fail();
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('never echoes a secret value', () => {
    expect(() => loadConfig({ JWT_SECRET: 'hunter2-short' })).toThrow(/value hidden/);
    expect(() => loadConfig({ JWT_SECRET: 'hunter2-short' })).not.toThrow(/hunter2/);
  });

  it('requires JWT_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET: is required with NODE_ENV=production/,
    );
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET }).jwt.secret).toBe(SECRET);
  });

  it('requires a key pair for asymmetric algorithms', () => {
    expect(() => loadConfig({ JWT_ALGORITHM: 'RS256' })).toThrow(
      /JWT_PRIVATE_KEY and JWT_PUBLIC_KEY/,
    );
    const config = loadConfig({
      JWT_ALGORITHM: 'RS256',
      JWT_PRIVATE_KEY: 'a\\nb',
      JWT_PUBLIC_KEY: 'c',
    });
    expect(config.jwt.privateKey).toBe('a\nb');
  });

  it('requires ADMIN_EMAIL and ADMIN_PASSWORD together', () => {
    expect(() => loadConfig({ ADMIN_EMAIL: 'a@b.co' })).toThrow(/set both or neither/);
  });

  it('parses booleans, lists and numbers', () => {
    const config = loadConfig({
      TRUST_PROXY: 'yes',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      AUTH_RATE_LIMIT: '5',
      DATABASE_MIGRATIONS_RUN: 'false',
    });
    expect(config.http.trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(
      /TRUST_PROXY: .*must be a number of proxy hops/,
    );
    expect(config.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.auth.rateLimit).toBe(5);
    expect(config.db.migrationsRun).toBe(false);
  });

  it('turns /metrics on only with a long METRICS_TOKEN, never echoing it', () => {
    expect(loadConfig({}).metrics.token).toBeNull();
    expect(loadConfig({ METRICS_TOKEN: '' }).metrics.token).toBeNull();
    expect(loadConfig({ METRICS_TOKEN: SECRET }).metrics.token).toBe(SECRET);
    const short = (): unknown => loadConfig({ METRICS_TOKEN: 'scrape-me-please' });
    expect(short).toThrow(/^Invalid configuration: METRICS_TOKEN: .*at least 32 characters/);
    expect(short).toThrow(/value hidden/);
    expect(short).not.toThrow(/scrape-me-please/);
    expect(() => loadConfig({ METRICS_TOKEN: `${SECRET} x` })).toThrow(/METRICS_TOKEN: .*spaces/);
  });
});
