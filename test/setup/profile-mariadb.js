// e2e profile: full stack on the local MariaDB and Redis (a fresh database per test file).
process.env.KEEL_TEST_PROFILE = 'mariadb';
