import amqp from 'amqplib';
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from './config/configuration';

/**
 * `npm run events:tail -- [pattern]` (or `node dist/events-tail.js [pattern]`): binds a temporary
 * queue to Keel's exchange with a routing-key pattern (default `#`, every event; `item.*`, …) and
 * prints each event as it arrives, one JSON line each. For developers and operators; it is also
 * the smallest example of a consumer (docs/events.md). The queue disappears when it exits.
 */
async function tail(pattern: string): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let rabbitmq;
  try {
    rabbitmq = loadConfig(process.env).rabbitmq;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  if (!rabbitmq) {
    process.stderr.write('RABBITMQ_URL is not set: Keel publishes no events without it\n');
    process.exit(1);
  }
  const connection = await amqp.connect(rabbitmq.url);
  let stopping = false;
  connection.on('close', () => {
    if (stopping) return;
    process.stderr.write('connection to RabbitMQ closed\n');
    process.exit(1);
  });
  const channel = await connection.createChannel();
  // Declared as Keel declares it, so the tail can start before Keel does.
  await channel.assertExchange(rabbitmq.exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, rabbitmq.exchange, pattern);
  await channel.consume(
    queue,
    (message) => {
      if (message) process.stdout.write(`${message.content.toString('utf8')}\n`);
    },
    { noAck: true },
  );
  process.stderr.write(`listening on ${rabbitmq.exchange} for '${pattern}'\n`);
  const stop = (): void => {
    stopping = true;
    void connection.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  tail(process.argv[2] ?? '#').catch((error: Error) => {
    process.stderr.write(`events:tail: ${error.message}\n`);
    process.exit(1);
  });
}
