/**
 * Outside CI, jest.config.js sets KEEL_TEST_REDIS_ABSENT when the local Redis (TEST_REDIS_URL) did
 * not answer: the e2e:sqlite tests that need it are skipped and the run's last line says so. Under
 * CI=true it is never set, so they run and fail.
 */
export const redisAvailable = process.env.KEEL_TEST_REDIS_ABSENT === undefined;

/** `describe` for a block that needs the local Redis. */
export const describeWithRedis = redisAvailable ? describe : describe.skip;
