import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { sql } from 'kysely';
import pg from 'pg';
import { engine } from '../helpers/test-database.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ NODE_ID: 'node-under-test' });
});
afterAll(() => t.close());

describe('health and readiness', () => {
  it('reports liveness, the node and each dependency on /health', async () => {
    const response = await t.call({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ok',
      timestamp: expect.any(String),
      uptime: expect.any(Number),
      node: 'node-under-test',
      services: { database: 'ok', redis: 'disabled' },
      latencyMs: { database: expect.any(Number), redis: null },
      cluster: { fanout: 'local', breaker: 'disabled' },
      catalog: { source: 'memory', pets: 0, seq: 0, lagEvents: 0, lagSeconds: 0 },
      webhooks: { total: 0, failing: 0 },
    });
  });

  it('lists only itself as the cluster when it runs alone', async () => {
    const response = await t.call({ method: 'GET', url: '/api/v1/cluster', token: await t.adminToken() });
    expect(response.statusCode).toBe(200);
    const { nodes } = response.json();
    expect(nodes).toEqual([
      {
        id: 'node-under-test',
        address: expect.stringMatching(/:\d+$/),
        startedAt: expect.any(String),
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        connections: { websocket: 0, http: 0 },
        lastSeen: expect.any(String),
      },
    ]);
    expect(Date.parse(nodes[0].startedAt)).toBeLessThanOrEqual(Date.parse(nodes[0].lastSeen));
  });

  it('is ready while it has its database', async () => {
    const response = await t.call({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready' });
  });

  it('is degraded on /health and not ready once its database is gone', async () => {
    const other = await startTestApp();
    try {
      await other.app.database.db.destroy();
      expect((await other.call({ method: 'GET', url: '/health' })).json()).toMatchObject({
        status: 'degraded',
        services: { database: 'down' },
      });
      const ready = await other.call({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ code: 'NOT_READY', statusCode: 503 });
    } finally {
      await other.close();
    }
  });
});

describe('database connections ended by the server', () => {
  // Only PostgreSQL has server-side connections to end; SQLite is a file in this process.
  const onPostgres = engine === 'postgres' ? it : it.skip;

  /** Ends every other connection to the test database, as an administrator or a failover would. */
  async function terminateConnections(node: TestApp): Promise<number> {
    const admin = new pg.Client({ connectionString: node.app.config.databaseUrl });
    await admin.connect();
    const { rowCount } = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    await admin.end();
    return rowCount ?? 0;
  }

  onPostgres('survives the server terminating its idle connections, and keeps answering', async () => {
    const node = await startTestApp();
    try {
      expect((await node.call({ method: 'GET', url: '/api/v1/categories' })).statusCode).toBe(200);
      expect(await terminateConnections(node)).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await node.call({ method: 'GET', url: '/api/v1/categories' })).statusCode).toBe(200);
    } finally {
      await node.close();
    }
  });

  // Regression: the pool listens only to idle connections; one checked out between two queries (here, mid-
  // transaction) that the server ends emitted an 'error' nobody heard, which crashes a process.
  onPostgres('survives the server ending a connection checked out between two queries', async () => {
    const node = await startTestApp();
    try {
      let resume!: () => void;
      const paused = new Promise<void>((resolve) => (resume = resolve));
      let checkedOut!: () => void;
      const inTransaction = new Promise<void>((resolve) => (checkedOut = resolve));
      const transaction = node.app.database.db
        .transaction()
        .execute(async (tx) => {
          await sql`select 1`.execute(tx);
          checkedOut();
          await paused; // no query runs on the connection now
          await sql`select 1`.execute(tx);
        })
        .then(
          () => 'committed',
          () => 'failed',
        );
      await inTransaction;
      expect(await terminateConnections(node)).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      resume();
      expect(await transaction).toBe('failed');
      expect((await node.call({ method: 'GET', url: '/api/v1/categories' })).statusCode).toBe(200);
    } finally {
      await node.close();
    }
  });
});

describe('demo data', () => {
  it(`is seeded into a new database on SQLite only (this run: ${engine})`, async () => {
    const seeded = await startTestApp({ SEED_DEMO_DATA: 'true' });
    try {
      const count = async () =>
        (await seeded.call({ method: 'GET', url: '/api/v1/pets?limit=100' })).json().items.length;
      expect(await count()).toBe(engine === 'sqlite' ? 6 : 0);
    } finally {
      await seeded.close();
    }
  });
});

describe('request ids and errors', () => {
  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const echoed = await t.call({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'client-id-123' },
    });
    expect(echoed.headers['x-request-id']).toBe('client-id-123');
    const unsafe = await t.call({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'bad id\u0001<script>' },
    });
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const generated = await t.call({ method: 'GET', url: '/api/v1/pets/999999' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with the API error shape', async () => {
    const response = await t.call({ method: 'GET', url: '/api/v1/nothing-here?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      statusCode: 404,
      code: 'ROUTE_NOT_FOUND',
      error: 'Not Found',
      message: 'Route GET /api/v1/nothing-here not found',
    });
  });

  it('hides internals of an unexpected failure behind a plain 500', async () => {
    const other = await startTestApp();
    try {
      other.app.services.catalog.inventory = () =>
        Promise.reject(new Error('SELECT secret FROM internals failed at db.ts:42'));
      const response = await other.call({ method: 'GET', url: '/api/v1/store/inventory' });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({
        statusCode: 500,
        code: 'INTERNAL_ERROR',
        error: 'Internal Server Error',
        message: 'Something went wrong on our side',
      });
    } finally {
      await other.close();
    }
  });
});

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const response = await t.call({ method: 'GET', url: '/documentation/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    expect(document.components.schemas.Error.properties.code.enum).toEqual(
      expect.arrayContaining(['PET_NOT_FOUND', 'VALIDATION_ERROR', 'NOT_FOUND', 'INTERNAL_ERROR']),
    );
    // swagger-parser loads an ESM-only dependency that Jest's module system cannot require; plain Node can.
    const file = join(t.dataDir, 'openapi.json');
    await writeFile(file, response.body);
    const validate = `require('@apidevtools/swagger-parser').validate(process.argv[1]).then(() => console.log('valid'))`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', validate, file]);
    expect(stdout.trim()).toBe('valid');
  });

  it('names every operation with a unique camelCase operationId, the Swagger Petstore names where the operation is its', async () => {
    const document = (await t.call({ method: 'GET', url: '/documentation/json' })).json();
    const operations: Array<[string, string]> = [];
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
      for (const [method, operation] of Object.entries(item)) {
        operations.push([
          `${method.toUpperCase()} ${path}`,
          (operation as { operationId: string }).operationId,
        ]);
      }
    }
    for (const [where, id] of operations)
      expect([where, id]).toEqual([where, expect.stringMatching(/^[a-z][A-Za-z]+$/)]);
    const ids = operations.map(([, id]) => id);
    expect(new Set(ids).size).toBe(ids.length);
    const byId = Object.fromEntries(operations.map(([where, id]) => [id, where]));
    expect(byId).toMatchObject({
      getPetById: 'GET /api/v1/pets/{id}',
      findPetsByStatus: 'GET /api/v1/pets/findByStatus',
      addPet: 'POST /api/v1/pets',
      updatePet: 'PUT /api/v1/pets/{id}',
      deletePet: 'DELETE /api/v1/pets/{id}',
      uploadFile: 'POST /api/v1/pets/{id}/uploadImage',
      getInventory: 'GET /api/v1/store/inventory',
      placeOrder: 'POST /api/v1/store/order',
      getOrderById: 'GET /api/v1/store/order/{orderId}',
      deleteOrder: 'DELETE /api/v1/store/order/{orderId}',
      createUser: 'POST /api/v1/users',
      createUsersWithListInput: 'POST /api/v1/users/createWithList',
      loginUser: 'GET /api/v1/users/login',
      logoutUser: 'GET /api/v1/users/logout',
      getUserByName: 'GET /api/v1/users/{username}',
      updateUser: 'PUT /api/v1/users/{username}',
      deleteUser: 'DELETE /api/v1/users/{username}',
    });
  });

  it('explains every error code in words, with no placeholder left, under its own title in Swagger UI', async () => {
    const document = (await t.call({ method: 'GET', url: '/documentation/json' })).json();
    const table = (document.info.description as string).split('### Error codes')[1] as string;
    for (const code of ['PET_NOT_FOUND', 'UNKNOWN_CATEGORY', 'PET_HAS_OPEN_ORDER', 'PRECONDITION_FAILED']) {
      expect(table).toContain(`\`${code}\``);
    }
    expect(table).not.toMatch(/%[sdjo]/);
    const page = await t.call({ method: 'GET', url: '/documentation/' });
    expect(page.body).toContain('<title>Pet Store API</title>');
  });

  it('lists every route with a summary, a description, a tag, its responses, and who may call it', async () => {
    const document = (await t.call({ method: 'GET', url: '/documentation/json' })).json();
    const routes = t.app.printRoutes({ commonPrefix: false }).split('\n').filter(Boolean);
    expect(routes.length).toBeGreaterThan(0);
    const expected = [
      'GET /api/v1/pets',
      'GET /api/v1/pets/findByStatus',
      'GET /api/v1/pets/findByTags',
      'GET /api/v1/pets/{id}',
      'POST /api/v1/pets',
      'PUT /api/v1/pets/{id}',
      'PATCH /api/v1/pets/{id}',
      'DELETE /api/v1/pets/{id}',
      'POST /api/v1/pets/{id}/uploadImage',
      'GET /api/v1/pets/{id}/images/{imageId}',
      'GET /api/v1/categories',
      'GET /api/v1/categories/{id}',
      'POST /api/v1/categories',
      'PUT /api/v1/categories/{id}',
      'DELETE /api/v1/categories/{id}',
      'GET /api/v1/store/inventory',
      'POST /api/v1/store/order',
      'GET /api/v1/store/orders',
      'GET /api/v1/store/order/{orderId}',
      'PATCH /api/v1/store/order/{orderId}',
      'DELETE /api/v1/store/order/{orderId}',
      'POST /api/v1/users',
      'POST /api/v1/users/createWithList',
      'GET /api/v1/users',
      'GET /api/v1/users/me',
      'GET /api/v1/users/{username}',
      'PUT /api/v1/users/{username}',
      'DELETE /api/v1/users/{username}',
      'POST /api/v1/auth/login',
      'GET /api/v1/users/login',
      'POST /api/v1/auth/refresh',
      'POST /api/v1/auth/logout',
      'GET /api/v1/users/logout',
      'GET /api/v1/cluster',
      'POST /api/v1/webhooks',
      'GET /api/v1/webhooks',
      'GET /api/v1/webhooks/{id}',
      'PATCH /api/v1/webhooks/{id}',
      'DELETE /api/v1/webhooks/{id}',
      'POST /api/v1/webhooks/{id}/rotate-secret',
      'GET /api/v1/webhooks/{id}/deliveries',
      'POST /api/v1/webhooks/{id}/redeliver',
      'GET /health',
      'GET /ready',
    ];
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual([...expected].sort());
    const signInFree = new Set([
      'GET',
      'POST /api/v1/users',
      'POST /api/v1/auth/login',
      'POST /api/v1/auth/refresh',
    ]);
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(
        operations as Record<string, Record<string, unknown>>,
      )) {
        expect(operation.summary).toEqual(expect.any(String));
        expect((operation.tags as string[]).length).toBeGreaterThan(0);
        expect(Object.keys(operation.responses as object).length).toBeGreaterThan(0);
        const key = `${method.toUpperCase()} ${path}`;
        const needsSignIn =
          !signInFree.has(key) &&
          !(method === 'get' && !/users|store\/order|cluster|webhooks/.test(path)) &&
          key !== 'GET /api/v1/users/login';
        // Every operation says who may call it: `security: []` is open to anyone.
        expect([key, operation.security]).toEqual([key, needsSignIn ? [{ bearerAuth: [] }] : []]);
        expect(operation.description).toEqual(expect.any(String));
        for (const [status, response] of Object.entries(
          operation.responses as Record<string, { description: string }>,
        )) {
          expect([key, status, response.description]).not.toEqual([key, status, 'Default Response']);
        }
      }
    }
  });

  it('serves Swagger UI', async () => {
    const response = await t.call({ method: 'GET', url: '/documentation/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toContain('swagger');
  });
});

describe('metrics', () => {
  it('counts requests by route template and status on /metrics, in the Prometheus text format', async () => {
    await t.call({ method: 'GET', url: '/api/v1/pets/987654' });
    await t.call({ method: 'GET', url: '/api/v1/pets?limit=1' });
    await t.call({ method: 'GET', url: '/no/such/path/31337' });
    const response = await t.call({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    const sample = (name: string, labels: Record<string, string>) =>
      text
        .split('\n')
        .filter((line) => line.startsWith(`${name}{`))
        .filter((line) => Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)))
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    const pet404 = { method: 'GET', route: '/api/v1/pets/:id', status_code: '404', node: 'node-under-test' };
    expect(sample('http_requests_total', pet404)).toBeGreaterThanOrEqual(1);
    expect(sample('http_request_duration_seconds_count', pet404)).toBeGreaterThanOrEqual(1);
    expect(
      sample('http_requests_total', { route: '/api/v1/pets', status_code: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample('http_requests_total', { route: 'unmatched', status_code: '404' })).toBeGreaterThanOrEqual(
      1,
    );
    // Label values are templates, never raw paths or ids. Only the labels are searched: a sample's value
    // (a byte count, a CPU time) may contain any digits.
    const labels = text
      .split('\n')
      .filter((line) => !line.startsWith('#') && line.includes('{'))
      .map((line) => line.slice(line.indexOf('{'), line.lastIndexOf('}') + 1));
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.filter((set) => set.includes('987654') || set.includes('31337'))).toEqual([]);
    for (const name of [
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(text).toContain(`${name}{`);
    }
  });
});
