/**
 * Three projects: unit tests beside the code, and the same e2e suite on the two profiles.
 * Jest prints each file's project name (unit, e2e:sqlite, e2e:mariadb), so the output shows which
 * profile every e2e file ran on.
 *
 * e2e:mariadb needs MariaDB and Redis, and a few e2e:sqlite tests need Redis. When they do not
 * answer, a run outside CI leaves those out and ends with one line saying so and how to start them,
 * so `npm install && npm test` passes on a machine with only Node. Under CI=true they always run: a
 * missing service fails the run.
 */
const { probeFullStack } = require('./test/setup/full-stack');

const tsJest = [
  'ts-jest',
  {
    tsconfig: 'tsconfig.json',
    // Types are checked by `npm run lint` (tsc --noEmit); 151002 is ts-jest's note about node16 modules.
    diagnostics: { ignoreCodes: [151002], exclude: ['**/*'] },
    astTransformers: {
      before: ['<rootDir>/test/setup/swagger-transformer.js'],
    },
  },
];

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': tsJest },
};

const inCi = process.env.CI === 'true' || process.env.CI === '1';

/** The project names given to --selectProjects, or null when every project is selected. */
function selectedProjects(argv) {
  const names = [];
  let selecting = false;
  let any = false;
  for (const arg of argv) {
    if (arg.startsWith('--selectProjects=')) {
      any = true;
      names.push(...arg.slice('--selectProjects='.length).split(','));
      selecting = false;
    } else if (arg === '--selectProjects') {
      any = true;
      selecting = true;
    } else if (arg.startsWith('-')) {
      selecting = false;
    } else if (selecting) {
      names.push(arg);
    }
  }
  return any ? names : null;
}

/**
 * The fault suite runs only when asked for (`--selectProjects faults`, or a path under test/faults):
 * a bare `jest` (npm test) leaves it out.
 */
const wantsFaults = process.argv.some((arg) => arg === 'faults' || arg.includes('test/faults'));

/** Files that skip their own tests when something optional is missing, and what to say then. */
const selfSkipping = [
  {
    file: 'test/search-elasticsearch.e2e-spec.ts',
    line:
      'NOT RUN: test/search-elasticsearch.e2e-spec.ts (Elasticsearch driver): ELASTICSEARCH_NODE is not set. ' +
      'Start one with `docker compose up -d elasticsearch` and set ELASTICSEARCH_NODE=http://127.0.0.1:9200.',
  },
  {
    file: 'test/accounts/account-pages-browser.e2e-spec.ts',
    line:
      'NOT RUN: test/accounts/account-pages-browser.e2e-spec.ts (account pages in a browser): no Chromium at /usr/bin/chromium. ' +
      'Install it with `apt-get install chromium` (under CI=true it is required).',
  },
  {
    file: 'test/swagger-ui.e2e-spec.ts',
    line:
      'NOT RUN: test/swagger-ui.e2e-spec.ts (Swagger UI in a browser): no Chromium at /usr/bin/chromium. ' +
      'Install it with `apt-get install chromium` (under CI=true it is required).',
  },
];

/**
 * What cannot run here for lack of MariaDB or Redis, in one line, or null when both answered.
 * Besides e2e:mariadb, a few e2e:sqlite tests use the local Redis too (rate limits shared through
 * Redis, the Redis cache, two instances through the socket.io adapter, the Bull queue): they are
 * the blocks written with test/helpers/with-redis.ts.
 */
function absenceLine(missing, { fullStack, sqlite }) {
  if (missing.length === 0) return null;
  const redisMissing = missing.some(({ name }) => name === 'Redis');
  const rabbitMissing = missing.some(({ name }) => name === 'RabbitMQ');
  const fullStackMissing = missing.some(({ name }) => name !== 'RabbitMQ');
  const parts = [
    ...(fullStack && fullStackMissing ? ['e2e:mariadb (the e2e suite on MariaDB and Redis)'] : []),
    ...(sqlite && redisMissing ? ['the e2e:sqlite tests that use Redis'] : []),
    ...((fullStack || sqlite) && rabbitMissing ? ['the e2e tests that use RabbitMQ'] : []),
  ];
  if (parts.length === 0) return null;
  const what = missing
    .map(({ name, url, variable, why }) => {
      let where = url;
      try {
        where = new URL(url).host;
      } catch {
        // Not a URL: shown as given.
      }
      return `${name} at ${where} (${variable}: ${why})`;
    })
    .join(' and ');
  return (
    `${inCi ? 'FAILING' : 'NOT RUN'}: ${parts.join(' and ')}: ${what} did not answer. ` +
    'Start them with `docker compose up -d mysql redis rabbitmq` and set ' +
    'TEST_DATABASE_URL=mariadb://root:keel-root@127.0.0.1:3306/test and ' +
    'TEST_RABBITMQ_URL=amqp://keel:keel@127.0.0.1:5672 (or `rabbitmq-server -detached` for a local ' +
    'broker), or point TEST_DATABASE_URL, TEST_REDIS_URL and TEST_RABBITMQ_URL ' +
    'at running servers.' +
    (inCi ? ' Under CI=true these tests are never skipped.' : '')
  );
}

module.exports = async () => {
  const selected = selectedProjects(process.argv);
  const wants = (name) => selected === null || selected.includes(name);
  const fullStack = wants('e2e:mariadb');
  const sqlite = wants('e2e:sqlite');
  const { missing } = fullStack || sqlite ? await probeFullStack() : { missing: [] };
  const absence = absenceLine(missing, { fullStack, sqlite });
  const fullStackMissing = missing.filter(({ name }) => name !== 'RabbitMQ');
  const runFullStack = fullStack && (fullStackMissing.length === 0 || inCi);
  if (!inCi && missing.some(({ name }) => name === 'Redis')) {
    // Read by test/helpers/with-redis.ts in the test processes, which inherit this environment.
    process.env.KEEL_TEST_REDIS_ABSENT = 'true';
  }
  if (!inCi && missing.some(({ name }) => name === 'RabbitMQ')) {
    // Read by test/helpers/with-rabbitmq.ts.
    process.env.KEEL_TEST_RABBITMQ_ABSENT = 'true';
  }
  if (absence && selected !== null && selected.every((name) => name === 'e2e:mariadb')) {
    // Nothing else is selected, so no reporter will run: say it now.
    process.stderr.write(`${absence}\n`);
  }

  return {
    testTimeout: 30000,
    // Each e2e file boots its own app; a long run in one process grew past V8's 4 GB heap (about
    // 25 MB a file). A worker that ends a file above this is replaced by a fresh one.
    workerIdleMemoryLimit: '2GB',
    // A client still retrying a service that never answered would keep Jest from exiting: under CI
    // the run must end, failed, rather than hang.
    forceExit: inCi && missing.length > 0,
    reporters: [
      'default',
      [
        '<rootDir>/test/setup/not-run-reporter.js',
        { e2eNotRun: absence ? [absence] : [], selfSkipping },
      ],
    ],
    projects: [
      {
        ...common,
        displayName: 'unit',
        testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
      },
      {
        ...common,
        displayName: 'e2e:sqlite',
        testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
        setupFiles: ['<rootDir>/test/setup/profile-sqlite.js'],
      },
      ...(runFullStack
        ? [
            {
              ...common,
              displayName: 'e2e:mariadb',
              testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
              setupFiles: ['<rootDir>/test/setup/profile-mariadb.js'],
            },
          ]
        : []),
      // npm run test:faults: dependencies cut, slowed and restored under a live app (MariaDB + Redis).
      ...(wantsFaults
        ? [
            {
              ...common,
              displayName: 'faults',
              testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
              setupFiles: ['<rootDir>/test/setup/profile-mariadb.js'],
            },
          ]
        : []),
    ],
  };
};
