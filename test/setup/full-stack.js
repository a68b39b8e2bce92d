// Whether the e2e:mariadb project can run here: MariaDB (TEST_DATABASE_URL) and Redis
// (TEST_REDIS_URL) must accept a TCP connection; the RabbitMQ tests (both profiles) need
// TEST_RABBITMQ_URL. test/helpers/test-database.ts and with-rabbitmq.ts use the same defaults.
const { connect } = require('node:net');

const DEFAULT_DATABASE_URL = 'mariadb://root@127.0.0.1:3306/test';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const DEFAULT_RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';
const PROBE_TIMEOUT_MS = 1500;

/** Resolves to null when host:port accepts a connection, else to why it did not. */
function probe(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (why) => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(`no answer within ${PROBE_TIMEOUT_MS} ms`));
    socket.once('connect', () => done(null));
    socket.once('error', (error) => done(error.code || error.message));
  });
}

/**
 * The services the full-stack profile needs, each with whether it answered:
 * `{ missing: [{ name, variable, url, why }] }`, empty when all answered.
 */
async function probeFullStack(env = process.env) {
  const services = [
    {
      name: 'MariaDB',
      variable: 'TEST_DATABASE_URL',
      url: env.TEST_DATABASE_URL || DEFAULT_DATABASE_URL,
      port: 3306,
    },
    {
      name: 'Redis',
      variable: 'TEST_REDIS_URL',
      url: env.TEST_REDIS_URL || DEFAULT_REDIS_URL,
      port: 6379,
    },
    {
      name: 'RabbitMQ',
      variable: 'TEST_RABBITMQ_URL',
      url: env.TEST_RABBITMQ_URL || DEFAULT_RABBITMQ_URL,
      port: 5672,
    },
  ];
  const missing = [];
  for (const service of services) {
    let host;
    let port;
    try {
      const url = new URL(service.url);
      host = url.hostname;
      port = Number(url.port || service.port);
    } catch {
      missing.push({ ...service, why: 'not a URL' });
      continue;
    }
    const why = await probe(host, port);
    if (why) missing.push({ ...service, why });
  }
  return { missing };
}

module.exports = { probeFullStack };
