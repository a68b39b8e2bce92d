// e2e profile: embedded (SQLite file per test file, in-memory everything else).
process.env.KEEL_TEST_PROFILE = 'sqlite';
