import { Socket } from 'node:net';

const POSTGRES = { host: '127.0.0.1', port: 5432 };
const REDIS = { host: '127.0.0.1', port: 6379 };

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

function integration(engine, ignored) {
  return {
    ...typescript,
    displayName: engine,
    testMatch: ['<rootDir>/src/__tests__/integration/**/*.test.ts'],
    testPathIgnorePatterns: ignored,
    globals: { TEST_DB: engine },
  };
}

function unreachable(name, { host, port }) {
  if (process.env.CI === 'true')
    throw new Error(`${name} is unreachable at ${host}:${port}, and CI=true requires it.`);
  console.warn(
    `\n${'!'.repeat(78)}\n!! ${name} is unreachable at ${host}:${port}: its suites are SKIPPED.\n` +
      `!! Start ${name} to run the full matrix.\n${'!'.repeat(78)}\n`,
  );
}

export default async () => {
  const ignored = ['/node_modules/'];
  if (!(await reachable(REDIS))) {
    unreachable('Redis', REDIS);
    ignored.push('\\.redis\\.test\\.ts$');
  }
  const projects = [
    { ...typescript, displayName: 'core', testMatch: ['<rootDir>/src/__tests__/core/**/*.test.ts'] },
    integration('sqlite', ignored),
  ];
  if (await reachable(POSTGRES)) projects.push(integration('postgres', ignored));
  else unreachable('PostgreSQL', POSTGRES);
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
