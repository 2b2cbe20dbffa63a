import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { reachable } from './scripts/reachable.mjs';

const POSTGRES = { host: '127.0.0.1', port: 5432 };
const REDIS = { host: '127.0.0.1', port: 6379 };

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

function installed(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function missing(what, why) {
  if (process.env.CI === 'true') throw new Error(`${what}, and CI=true requires it (${why}).`);
  console.warn(`\n${'!'.repeat(78)}\n!! ${what}: ${why} is SKIPPED.\n${'!'.repeat(78)}\n`);
}

function unreachable(name, { host, port }) {
  if (process.env.CI === 'true')
    throw new Error(`${name} is unreachable at ${host}:${port}, and CI=true requires it.`);
  console.warn(
    `\n${'!'.repeat(78)}\n!! ${name} is unreachable at ${host}:${port}: its suites are SKIPPED.\n` +
      `!! Start ${name} to run the full matrix.\n${'!'.repeat(78)}\n`,
  );
}

// Headless Chromium from Debian driven by playwright-core (src/__tests__/browser), against SQLite.
const browser = {
  ...typescript,
  displayName: 'browser',
  testMatch: ['<rootDir>/src/__tests__/browser/**/*.test.ts'],
};
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Node processes, a redis-server of its own and nginx (src/__tests__/cluster); needs PostgreSQL.
const processCluster = {
  ...typescript,
  displayName: 'cluster',
  testMatch: ['<rootDir>/src/__tests__/cluster/**/*.test.ts'],
  globals: { TEST_DB: 'postgres' },
};

// Faults on node processes and a redis-server of its own (src/__tests__/chaos): a short pass here, the long
// one with `npm run chaos`; needs PostgreSQL.
const chaos = {
  ...typescript,
  displayName: 'chaos',
  testMatch: ['<rootDir>/src/__tests__/chaos/**/*.test.ts'],
  globals: { TEST_DB: 'postgres' },
};

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
  if (existsSync(CHROMIUM)) projects.push(browser);
  else missing(`${CHROMIUM} not found`, 'the browser suite (apt-get install chromium)');
  if (await reachable(POSTGRES)) {
    projects.push(integration('postgres', ignored));
    const tools = ['redis-server', 'nginx'].filter((command) => !installed(command));
    if (tools.length === 0) projects.push(processCluster, chaos);
    else missing(`${tools.join(' and ')} not on PATH`, 'the multi-process cluster and chaos suites');
  } else unreachable('PostgreSQL', POSTGRES);
  return {
    projects,
    maxWorkers: 2,
    testTimeout: 30_000,
    collectCoverage: true,
    coverageProvider: 'v8',
    // The board's DOM code runs in Chromium (the browser suite), not in Node; its state logic is unit-tested.
    collectCoverageFrom: [
      'src/**/*.ts',
      '!src/**/__tests__/**',
      '!src/server.ts',
      '!src/board/{main,view,api}.ts',
    ],
    coverageReporters: ['text-summary', 'lcov'],
    coverageThreshold: { global: { statements: 90, branches: 85, functions: 90, lines: 90 } },
  };
};
