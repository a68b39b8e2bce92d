import { load } from 'js-yaml';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The full-stack profile as shipped: docker-compose.yml and the Dockerfile are parsed (nothing is
 * started) and their wiring is checked against each other and against the configuration schema.
 */
const root = join(__dirname, '..');
const readText = (file: string): string => readFileSync(join(root, file), 'utf8');

type Mapping = Record<string, unknown>;

const isMapping = (value: unknown): value is Mapping =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isList = (value: unknown): value is unknown[] => Array.isArray(value);

function mapping(value: unknown, what: string): Mapping {
  if (!isMapping(value)) throw new Error(`${what} should be a mapping`);
  return value;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} should be a string`);
  return value;
}

/** Compose interpolation, for the parts a test can resolve: `${VAR:-default}`, `${VAR-default}`, `$$`. */
function withDefaults(value: string): string {
  return value.replace(/\$\{\w+:?-([^}]*)\}/g, '$1').replace(/\$\$/g, '$');
}

/** A service's `environment`, given either as a mapping or as a list of NAME=value. */
function environmentOf(service: Mapping): Record<string, string> {
  const env = service.environment;
  const entries: Array<[string, string]> = [];
  if (isList(env)) {
    for (const item of env) {
      const line = text(item, 'environment entry');
      const eq = line.indexOf('=');
      entries.push(eq < 0 ? [line, ''] : [line.slice(0, eq), line.slice(eq + 1)]);
    }
  } else if (isMapping(env)) {
    for (const [name, value] of Object.entries(env)) {
      const scalar =
        typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
      entries.push([name, scalar ? String(value) : '']);
    }
  }
  return Object.fromEntries(entries);
}

/** `depends_on` as a mapping of service name to its condition (the short list form has none). */
function dependenciesOf(service: Mapping): Record<string, string | undefined> {
  const deps = service.depends_on;
  if (isList(deps)) {
    return Object.fromEntries(deps.map((name) => [text(name, 'depends_on entry'), undefined]));
  }
  if (!isMapping(deps)) return {};
  return Object.fromEntries(
    Object.entries(deps).map(([name, options]) => {
      const condition = isMapping(options) ? options.condition : undefined;
      return [name, typeof condition === 'string' ? condition : undefined];
    }),
  );
}

/** Dockerfile instructions (comments dropped, continuation lines joined), keyword upper-cased. */
function dockerInstructions(source: string): Array<{ keyword: string; args: string }> {
  const logical: string[] = [];
  let pending = '';
  for (const raw of source.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  if (pending !== '') logical.push(pending);
  return logical
    .filter((line) => line !== '')
    .map((line) => {
      const match = /^(\S+)\s*(.*)$/.exec(line);
      return { keyword: (match?.[1] ?? '').toUpperCase(), args: match?.[2] ?? '' };
    });
}

const compose = mapping(load(readText('docker-compose.yml')), 'docker-compose.yml');
const services = mapping(compose.services, 'services');
const service = (name: string): Mapping => mapping(services[name], `services.${name}`);
const api = (): Mapping => service('api');
const apiEnv = (): Record<string, string> => environmentOf(api());

describe('docker-compose.yml', () => {
  it('defines mysql, redis, elasticsearch and api', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['mysql', 'redis', 'elasticsearch', 'api']),
    );
  });

  it('uses MySQL 8.4, Redis 7 and Elasticsearch 8', () => {
    expect(text(service('mysql').image, 'mysql image')).toMatch(/^mysql:8\.4(?:[.-]|$)/);
    expect(text(service('redis').image, 'redis image')).toMatch(/^redis:7(?:[.-]|$)/);
    expect(text(service('elasticsearch').image, 'elasticsearch image')).toMatch(
      /(?:^|\/)elasticsearch:8\.\d+/,
    );
  });

  it('runs Elasticsearch as a single node', () => {
    expect(environmentOf(service('elasticsearch'))['discovery.type']).toBe('single-node');
  });

  it('builds the api from the Dockerfile', () => {
    const build = api().build;
    const context =
      typeof build === 'string'
        ? build
        : text(mapping(build, 'api.build').context, 'api.build.context');
    const dockerfile =
      isMapping(build) && typeof build.dockerfile === 'string' ? build.dockerfile : 'Dockerfile';
    expect(api().image).toBeUndefined();
    expect(dockerfile).toBe('Dockerfile');
    expect(existsSync(join(root, context, dockerfile))).toBe(true);
  });

  it('points DATABASE_URL at the mysql service with its database, user and password', () => {
    const mysql = environmentOf(service('mysql'));
    const url = new URL(withDefaults(apiEnv().DATABASE_URL ?? ''));
    expect(url.protocol).toMatch(/^(mysql|mariadb):$/);
    expect(url.hostname).toBe('mysql');
    expect(url.port === '' || url.port === '3306').toBe(true);
    expect(decodeURIComponent(url.pathname.slice(1))).toBe(
      withDefaults(mysql.MYSQL_DATABASE ?? ''),
    );
    expect(decodeURIComponent(url.username)).toBe(withDefaults(mysql.MYSQL_USER ?? ''));
    expect(decodeURIComponent(url.password)).toBe(withDefaults(mysql.MYSQL_PASSWORD ?? ''));
    expect(mysql.MYSQL_DATABASE).toBe('keel');
  });

  it('points REDIS_URL at the redis service and ELASTICSEARCH_NODE at elasticsearch:9200', () => {
    const redis = new URL(withDefaults(apiEnv().REDIS_URL ?? ''));
    expect(redis.protocol).toBe('redis:');
    expect(redis.hostname).toBe('redis');
    const es = new URL(withDefaults(apiEnv().ELASTICSEARCH_NODE ?? ''));
    expect(es.protocol).toBe('http:');
    expect(es.hostname).toBe('elasticsearch');
    expect(es.port).toBe('9200');
  });

  it('takes JWT_SECRET from the host and refuses to start without it', () => {
    expect(apiEnv().JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?[^}]+\}$/);
    expect(apiEnv().NODE_ENV).toBe('production');
  });

  it('starts the api only once mysql, redis and elasticsearch are healthy', () => {
    const deps = dependenciesOf(api());
    for (const name of ['mysql', 'redis', 'elasticsearch']) {
      expect({ name, condition: deps[name] }).toEqual({ name, condition: 'service_healthy' });
      expect(mapping(service(name).healthcheck, `services.${name}.healthcheck`).test).toBeDefined();
    }
  });

  it('sets only environment variables that Keel reads (src/config/env.schema.ts)', () => {
    const schema = readText('src/config/env.schema.ts');
    const unknown = Object.keys(apiEnv()).filter(
      (name) => !new RegExp(`\\b${name}\\?:`).test(schema),
    );
    expect(unknown).toEqual([]);
    expect(Object.keys(apiEnv()).length).toBeGreaterThan(0);
  });

  it('publishes port 3000 and checks /health/ready', () => {
    const published = api().ports;
    const ports = (isList(published) ? published : []).map((p) => String(p));
    expect(ports.some((p) => /(?:^|:)3000$/.test(p))).toBe(true);
    const test = mapping(api().healthcheck, 'api.healthcheck').test;
    expect(JSON.stringify(test)).toContain('/health/ready');
  });
});

describe('Dockerfile', () => {
  const instructions = dockerInstructions(readText('Dockerfile'));
  const lastFrom = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  const finalStage = instructions.slice(lastFrom + 1);

  it('is a multi-stage build', () => {
    expect(instructions.filter((i) => i.keyword === 'FROM').length).toBeGreaterThanOrEqual(2);
  });

  it('runs the final stage as a user other than root', () => {
    const users = finalStage.filter((i) => i.keyword === 'USER').map((i) => i.args.split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0']).not.toContain(users[users.length - 1]);
  });

  it('declares a HEALTHCHECK', () => {
    const checks = finalStage.filter((i) => i.keyword === 'HEALTHCHECK');
    expect(checks.length).toBeGreaterThan(0);
    expect(checks[checks.length - 1]?.args.toUpperCase()).not.toBe('NONE');
  });
});

describe('configuration documentation', () => {
  const schemaNames = [
    ...readText('src/config/env.schema.ts').matchAll(/\b([A-Z][A-Z0-9_]*)\?:/g),
  ].map((m) => m[1] ?? '');

  it('lists every variable of the schema in .env.example, and nothing else', () => {
    const documented = [...readText('.env.example').matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map(
      (m) => m[1] ?? '',
    );
    expect(schemaNames.length).toBeGreaterThan(0);
    expect(schemaNames.filter((name) => !documented.includes(name))).toEqual([]);
    expect(documented.filter((name) => !schemaNames.includes(name))).toEqual([]);
  });

  it('lists every variable of the schema in the README configuration table', () => {
    const readme = readText('README.md');
    expect(schemaNames.filter((name) => !readme.includes(`| \`${name}\``))).toEqual([]);
  });
});
