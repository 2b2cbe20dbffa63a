import { Socket } from 'node:net';

const POSTGRES = { host: '127.0.0.1', port: 5432 };

function reachable({ host, port }) {
  const socket = new Socket();
  return new Promise((resolve) => {
    socket.setTimeout(1000);
    socket.once('connect', () => resolve(true));
    socket.once('timeout', () => resolve(false));
    socket.once('error', () => resolve(false));
    socket.connect(port, host);
  }).finally(() => socket.destroy());
}

const typescript = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testEnvironment: 'node',
};

function integration(engine) {
  return {
    ...typescript,
    displayName: engine,
    testMatch: ['<rootDir>/src/__tests__/integration/**/*.test.ts'],
    globals: { TEST_DB: engine },
  };
}

export default async () => {
  const projects = [
    { ...typescript, displayName: 'core', testMatch: ['<rootDir>/src/__tests__/core/**/*.test.ts'] },
    integration('sqlite'),
  ];
  if (await reachable(POSTGRES)) {
    projects.push(integration('postgres'));
  } else if (process.env.CI === 'true') {
    throw new Error(
      `PostgreSQL is unreachable at ${POSTGRES.host}:${POSTGRES.port}, and CI=true requires it.`,
    );
  } else {
    console.warn(
      `\n${'!'.repeat(78)}\n!! PostgreSQL is unreachable at ${POSTGRES.host}:${POSTGRES.port}: ` +
        `the PostgreSQL suites are SKIPPED.\n!! Only SQLite was tested. Start PostgreSQL to run the full matrix.\n` +
        `${'!'.repeat(78)}\n`,
    );
  }
  return {
    projects,
    maxWorkers: 2,
    testTimeout: 30_000,
    collectCoverage: true,
    coverageProvider: 'v8',
    collectCoverageFrom: ['src/**/*.ts', '!src/**/__tests__/**', '!src/server.ts'],
    coverageReporters: ['text-summary', 'lcov'],
    coverageThreshold: { global: { statements: 90, branches: 85, functions: 90, lines: 90 } },
  };
};
