/**
 * Three projects: unit tests beside the code, and the same e2e suite on the two profiles.
 * Jest prints each file's project name (unit, e2e:sqlite, e2e:mariadb), so the output shows which
 * profile every e2e file ran on.
 */
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

/**
 * The fault suite runs only when asked for (`--selectProjects faults`, or a path under test/faults):
 * a bare `jest` (npm test) leaves it out.
 */
const wantsFaults = process.argv.some((arg) => arg === 'faults' || arg.includes('test/faults'));

module.exports = {
  testTimeout: 30000,
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
    {
      ...common,
      displayName: 'e2e:mariadb',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/setup/profile-mariadb.js'],
    },
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
