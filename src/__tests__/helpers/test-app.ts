import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../app.js';
import { loadConfig, startupFacts } from '../../config.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { DocumentedStatusTracker } from './documented-statuses.js';

export const ADMIN = { username: 'admin', password: 'admin-password-1' };

export interface TestApp {
  app: FastifyInstance;
  dataDir: string;
  /** Listens on 127.0.0.1 (the same port again after a restart) and returns the base URLs. */
  listen(): Promise<{ http: string; ws: string; port: number }>;
  /** Closes the app and builds a new one on the same database, as a process restart would;
   * it listens again on the same port unless `listen` is false (call listen() later). */
  restart(options?: { listen?: boolean }): Promise<void>;
  /** app.inject with a bearer token and JSON body when given. */
  call(options: CallOptions): Promise<LightMyRequestResponse>;
  login(username: string, password: string): Promise<string>;
  adminToken(): Promise<string>;
  /** Signs up a fresh customer and returns their token and username. */
  customer(prefix?: string): Promise<{ token: string; username: string; userId: number }>;
  close(): Promise<void>;
}

export interface CallOptions {
  method: InjectOptions['method'];
  url: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

let customerCount = 0;

/**
 * Builds the real app on a fresh SQLite directory or PostgreSQL schema. On close it also checks that every
 * status code the suite observed on a route is documented in the OpenAPI document for that route.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { logStream?: NodeJS.WritableStream; sharedDatabase?: TestDatabase } = {},
): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'petstore-test-'));
  // A shared database (several nodes of one cluster) belongs to the caller, who drops it.
  const database = options.sharedDatabase ?? (await createTestDatabase());
  const dropDatabase = options.sharedDatabase ? async () => {} : () => database.drop();
  const config = () =>
    loadConfig(
      {
        NODE_ENV: 'test',
        DATA_DIR: dataDir,
        ...(database.url ? { DATABASE_URL: database.url } : {}),
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        SEED_DEMO_DATA: 'false',
        JWT_SECRET: 'a-secret-for-tests-only-0123456789abcdef',
        // Suites send thousands of requests from one address; the limits have tests of their own.
        RATE_LIMIT_MAX: '1000000',
        SIGNUP_RATE_LIMIT_MAX: '1000000',
        LOGIN_MAX_FAILURES: '1000000',
        LOGIN_MAX_FAILURES_PER_IP: '1000000',
        // A worker starved by the machine's other suites must not shed its own test's requests (tested alone).
        LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0',
        LOG_LEVEL: 'silent',
        ...env,
      },
      startupFacts(),
    );
  const build = () =>
    buildApp(
      options.logStream
        ? { config: config(), logStream: options.logStream }
        : { config: config(), logger: false },
    );
  let app = await build();
  let tracker = new DocumentedStatusTracker(app);
  await app.ready();
  let port = 0;
  const listen = async () => {
    await app.listen({ port, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
    return { http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}/ws`, port };
  };

  const call = (options: CallOptions) =>
    app.inject({
      method: options.method,
      url: options.url,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { payload: options.body as InjectOptions['payload'] } : {}),
    });

  const login = async (username: string, password: string) => {
    const response = await call({ method: 'POST', url: '/api/v1/auth/login', body: { username, password } });
    if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
    return response.json().token as string;
  };

  let adminToken: string | undefined;
  return {
    get app() {
      return app;
    },
    dataDir,
    listen,
    restart: async (restartOptions = {}) => {
      const wasListening = port !== 0 && app.server.listening && restartOptions.listen !== false;
      await app.close();
      app = await build();
      tracker = new DocumentedStatusTracker(app);
      await app.ready();
      if (wasListening) await listen();
    },
    call,
    login,
    adminToken: async () => (adminToken ??= await login(ADMIN.username, ADMIN.password)),
    customer: async (prefix = 'customer') => {
      const username = `${prefix}${++customerCount}_${process.pid}`;
      const password = 'customer-password-1';
      const response = await call({ method: 'POST', url: '/api/v1/users', body: { username, password } });
      if (response.statusCode !== 201) throw new Error(`sign-up failed: ${response.body}`);
      return { token: await login(username, password), username, userId: response.json().id as number };
    },
    close: async () => {
      const undocumented = tracker.undocumented();
      await app.close();
      await dropDatabase();
      await rm(dataDir, { recursive: true, force: true });
      if (undocumented.length > 0) {
        throw new Error(`Status codes observed but not documented in OpenAPI:\n${undocumented.join('\n')}`);
      }
    },
  };
}

/** Creates a pet as admin and returns it. */
export async function createPet(
  testApp: TestApp,
  body: Record<string, unknown> = {},
): Promise<{ id: number; version: number; status: string; name: string }> {
  const response = await testApp.call({
    method: 'POST',
    url: '/api/v1/pets',
    token: await testApp.adminToken(),
    body: { name: 'Rex', ...body },
  });
  if (response.statusCode !== 201) throw new Error(`create pet failed: ${response.body}`);
  return response.json();
}
