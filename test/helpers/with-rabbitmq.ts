import { randomUUID } from 'node:crypto';

/**
 * Outside CI, jest.config.js sets KEEL_TEST_RABBITMQ_ABSENT when the local RabbitMQ
 * (TEST_RABBITMQ_URL) did not answer: the tests that need it are skipped and the run's last line
 * says so. Under CI=true it is never set, so they run and fail.
 */
export const rabbitmqAvailable = process.env.KEEL_TEST_RABBITMQ_ABSENT === undefined;

export const TEST_RABBITMQ_URL =
  process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** `describe` for a block that needs the local RabbitMQ. */
export const describeWithRabbitMq = rabbitmqAvailable ? describe : describe.skip;

/** An exchange name of this test alone (test files share the broker). */
export const uniqueExchange = (label: string): string =>
  `keel.test.${label}.${randomUUID().slice(0, 8)}`;
