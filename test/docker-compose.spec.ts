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
const KEEL_SERVICES = ['migrate', 'api', 'worker'] as const;

/** A service's command as a list (`node dist/worker.js` or ['node', 'dist/worker.js']). */
function commandOf(name: string): string[] {
  const command = service(name).command;
  if (command === undefined) return [];
  if (typeof command === 'string') return command.split(/\s+/).filter((p) => p !== '');
  if (!isList(command)) throw new Error(`services.${name}.command should be a list or a string`);
  return command.map((p) => text(p, `services.${name}.command entry`));
}

/** Compose durations such as `30s`, `1m30s`, `500ms`, in milliseconds. */
function durationMs(value: unknown, what: string): number {
  const source = text(value, what);
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  let total = 0;
  let matched = '';
  for (const [, amount, unit] of source.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)) {
    total += Number(amount) * (units[unit ?? ''] ?? Number.NaN);
    matched += `${amount}${unit}`;
  }
  if (matched !== source) throw new Error(`${what}: cannot read duration "${source}"`);
  return total;
}

describe('docker-compose.yml', () => {
  it('defines mysql, redis, elasticsearch, rabbitmq, migrate, api and worker', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'mysql',
        'redis',
        'elasticsearch',
        'rabbitmq',
        'migrate',
        'api',
        'worker',
      ]),
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

  it.each(KEEL_SERVICES)('builds %s from the Dockerfile', (name) => {
    const build = service(name).build;
    const context =
      typeof build === 'string'
        ? build
        : text(mapping(build, `${name}.build`).context, `${name}.build.context`);
    const dockerfile =
      isMapping(build) && typeof build.dockerfile === 'string' ? build.dockerfile : 'Dockerfile';
    expect(service(name).image).toBeUndefined();
    expect(dockerfile).toBe('Dockerfile');
    expect(existsSync(join(root, context, dockerfile))).toBe(true);
  });

  it('runs the compiled entry points: the image CMD for the api, worker.js and migrate.js', () => {
    expect(commandOf('api')).toEqual([]);
    expect(commandOf('worker')).toEqual(['node', 'dist/worker.js']);
    expect(commandOf('migrate')).toEqual(['node', 'dist/migrate.js']);
    // dist/<name>.js is what the build emits for src/<name>.ts.
    for (const file of ['main', 'worker', 'migrate']) {
      expect(existsSync(join(root, 'src', `${file}.ts`))).toBe(true);
    }
  });

  it('migrates once, before the api and the worker start, and they do not migrate themselves', () => {
    const migrate = service('migrate');
    expect(dependenciesOf(migrate).mysql).toBe('service_healthy');
    expect(String(migrate.restart)).toBe('no');
    for (const name of ['api', 'worker']) {
      expect({ name, condition: dependenciesOf(service(name)).migrate }).toEqual({
        name,
        condition: 'service_completed_successfully',
      });
    }
    for (const name of KEEL_SERVICES) {
      expect({ name, run: environmentOf(service(name)).DATABASE_MIGRATIONS_RUN }).toEqual({
        name,
        run: 'false',
      });
    }
  });

  it('runs background work in the worker only (WORKERS=off on the api)', () => {
    expect(apiEnv().WORKERS).toBe('off');
    const worker = environmentOf(service('worker'));
    expect(worker.WORKERS === undefined || worker.WORKERS === 'inline').toBe(true);
    // The worker refuses to start without Redis (see src/worker.ts).
    expect(worker.REDIS_URL).toBeTruthy();
    expect(service('worker').ports).toBeUndefined();
  });

  it('gives the worker and migrate the same database, Redis, Elasticsearch and secret as the api', () => {
    for (const name of ['worker', 'migrate']) {
      const env = environmentOf(service(name));
      for (const variable of [
        'NODE_ENV',
        'DATABASE_URL',
        'REDIS_URL',
        'ELASTICSEARCH_NODE',
        'JWT_SECRET',
      ]) {
        expect({ name, variable, value: env[variable] }).toEqual({
          name,
          variable,
          value: apiEnv()[variable],
        });
      }
    }
  });

  it('lets api and worker finish within their grace period before docker kills them', () => {
    for (const name of ['api', 'worker']) {
      const grace = Number(environmentOf(service(name)).SHUTDOWN_GRACE_MS ?? 10_000);
      const stop = durationMs(
        service(name).stop_grace_period ?? '10s',
        `${name}.stop_grace_period`,
      );
      expect({ name, graceBelowStop: grace < stop }).toEqual({ name, graceBelowStop: true });
    }
  });

  it('turns the image HEALTHCHECK (HTTP) off where there is no HTTP server', () => {
    for (const name of ['worker', 'migrate']) {
      const check = mapping(service(name).healthcheck, `services.${name}.healthcheck`);
      expect({ name, disable: check.disable }).toEqual({ name, disable: true });
    }
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

  it('points RABBITMQ_URL at the rabbitmq service with its user and password', () => {
    const rabbitmq = environmentOf(service('rabbitmq'));
    const url = new URL(withDefaults(apiEnv().RABBITMQ_URL ?? ''));
    expect(url.protocol).toBe('amqp:');
    expect(url.hostname).toBe('rabbitmq');
    expect(url.port === '' || url.port === '5672').toBe(true);
    expect(decodeURIComponent(url.username)).toBe(
      withDefaults(rabbitmq.RABBITMQ_DEFAULT_USER ?? ''),
    );
    expect(decodeURIComponent(url.password)).toBe(
      withDefaults(rabbitmq.RABBITMQ_DEFAULT_PASS ?? ''),
    );
  });

  it('takes JWT_SECRET from the host and refuses to start without it', () => {
    expect(apiEnv().JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?[^}]+\}$/);
    expect(apiEnv().NODE_ENV).toBe('production');
  });

  it.each(['api', 'worker'])(
    'starts the %s only once mysql, redis, elasticsearch and rabbitmq are healthy',
    (keel) => {
      const deps = dependenciesOf(service(keel));
      for (const name of ['mysql', 'redis', 'elasticsearch', 'rabbitmq']) {
        expect({ name, condition: deps[name] }).toEqual({ name, condition: 'service_healthy' });
        expect(
          mapping(service(name).healthcheck, `services.${name}.healthcheck`).test,
        ).toBeDefined();
      }
    },
  );

  it.each(KEEL_SERVICES)(
    'sets only environment variables that Keel reads (%s; src/config/env.schema.ts)',
    (name) => {
      const schema = readText('src/config/env.schema.ts');
      const env = environmentOf(service(name));
      const unknown = Object.keys(env).filter(
        (variable) => !new RegExp(`\\b${variable}\\?:`).test(schema),
      );
      expect(unknown).toEqual([]);
      expect(Object.keys(env).length).toBeGreaterThan(0);
    },
  );

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

  it('declares a HEALTHCHECK on /health/live run by node (the image has no curl)', () => {
    const checks = finalStage.filter((i) => i.keyword === 'HEALTHCHECK');
    expect(checks.length).toBeGreaterThan(0);
    const check = checks[checks.length - 1]?.args ?? '';
    expect(check.toUpperCase()).not.toBe('NONE');
    expect(check).toMatch(/CMD \["node",/);
    expect(check).toContain('/health/live');
    expect(check).not.toMatch(/curl|wget/);
  });

  it('takes the runtime node_modules from an `npm ci --omit=dev` stage, without the compiler', () => {
    const stages = new Map<string, Array<{ keyword: string; args: string }>>();
    let current: Array<{ keyword: string; args: string }> = [];
    for (const instruction of instructions) {
      if (instruction.keyword === 'FROM') {
        current = [];
        const name = /\bAS\s+(\S+)/i.exec(instruction.args)?.[1];
        if (name) stages.set(name.toLowerCase(), current);
      } else {
        current.push(instruction);
      }
    }
    const copy = finalStage.find(
      (i) => i.keyword === 'COPY' && /--from=\S+/.test(i.args) && /\/node_modules\b/.test(i.args),
    );
    const from = /--from=(\S+)/.exec(copy?.args ?? '')?.[1]?.toLowerCase() ?? '';
    const source = stages.get(from) ?? [];
    expect(
      source.some((i) => i.keyword === 'RUN' && /\bnpm ci\b[^&]*--omit=dev/.test(i.args)),
    ).toBe(true);
    // The final stage installs nothing (no toolchain) and runs the API by default.
    expect(finalStage.filter((i) => i.keyword === 'RUN' && /apt-get|npm /.test(i.args))).toEqual(
      [],
    );
    expect(finalStage.filter((i) => i.keyword === 'CMD').pop()?.args).toBe(
      '["node", "dist/main.js"]',
    );
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

  it('lists every variable of the schema in the configuration table of docs/configuration.md', () => {
    const doc = readText('docs/configuration.md');
    expect(schemaNames.filter((name) => !doc.includes(`| \`${name}\``))).toEqual([]);
  });
});
