import { ADMIN, createPet, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Walks the OpenAPI document and throws bad input at every operation: wrong types, missing and extra fields,
 * huge strings, unicode, negative and huge numbers, malformed JSON and wrong content types. Nothing may
 * answer with a 5xx, and the service must still be healthy afterwards.
 */
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

interface Operation {
  method: string;
  path: string;
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, unknown> };
}

const HUGE = 'x'.repeat(100_000);
const WEIRD_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  -2147483649,
  2147483648,
  1e308,
  1.5,
  '',
  ' ',
  'abc',
  HUGE,
  '🐶🐱'.repeat(50),
  '\u0000\u202e\ufeff',
  '<script>alert(1)</script>',
  "'; drop table pets; --",
  '../../etc/passwd',
  [],
  [1, 'a'],
  {},
  { nested: { deeper: [null] } },
  '9'.repeat(400),
];
const WEIRD_PATH_VALUES = [
  'abc',
  '-1',
  '0',
  '1.5',
  '1e309',
  '9'.repeat(40),
  '%F0%9F%90%B6',
  '..%2F..%2Fetc',
  '%00',
  'null',
  ' ',
];

function operations(document: {
  paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>;
}): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      ...operation,
    })),
  );
}

function* badRequests(operation: Operation, knownId: number) {
  const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
  const queryParams = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
  const fill = (value: string) =>
    pathParams.reduce((path, name) => path.replace(`{${name}}`, value), operation.path);
  const goodPath = fill(String(knownId));

  for (const value of WEIRD_PATH_VALUES) yield { url: fill(value) };
  for (const name of queryParams) {
    for (const value of WEIRD_VALUES) {
      yield {
        url: `${goodPath}?${name}=${encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value))}`,
      };
    }
    yield { url: `${goodPath}?${name}=a&${name}=b&${name}[x]=1` };
  }
  if (operation.method === 'GET' || operation.method === 'DELETE') return;
  for (const value of WEIRD_VALUES)
    yield { url: goodPath, body: JSON.stringify(value), type: 'application/json' };
  for (const value of WEIRD_VALUES) {
    for (const field of [
      'name',
      'status',
      'petId',
      'quantity',
      'username',
      'password',
      'tags',
      'category',
      'photoUrls',
      'refreshToken',
      'role',
      'shipDate',
    ]) {
      yield { url: goodPath, body: JSON.stringify({ [field]: value }), type: 'application/json' };
      yield {
        url: goodPath,
        body: JSON.stringify({
          name: 'Rex',
          petId: knownId,
          username: 'fuzz-user',
          password: 'fuzz-password-1',
          [field]: value,
          extra: value,
        }),
        type: 'application/json',
      };
    }
  }
  for (const body of [
    '{',
    '{"name": }',
    '[1,',
    'nul',
    '"unterminated',
    '{"a":1}{"b":2}',
    '\u0000',
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"x":1}}}',
  ]) {
    yield { url: goodPath, body, type: 'application/json' };
  }
  for (const type of [
    'text/plain',
    'application/xml',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded',
    'application/json; charset=latin1',
    'garbage',
  ]) {
    yield { url: goodPath, body: 'name=Rex&status=available', type };
  }
  yield { url: goodPath, body: JSON.stringify({ name: HUGE.repeat(15) }), type: 'application/json' };
}

describe('fuzzing every documented operation', () => {
  it('never answers a 5xx to at least 5,000 bad requests, and stays healthy', async () => {
    // The pet is held by an order, so that fuzzing DELETE cannot remove it from under the other requests.
    const pet = await createPet(t);
    const customer = await t.customer();
    await t.call({
      method: 'POST',
      url: '/api/v1/store/order',
      token: customer.token,
      body: { petId: pet.id },
    });
    let admin = await t.adminToken();
    const document = (await t.call({ method: 'GET', url: '/documentation/json' })).json();
    let sent = 0;
    const serverErrors: string[] = [];
    for (const operation of operations(document)) {
      for (const request of badRequests(operation, pet.id)) {
        for (const token of sent % 3 === 0 ? [undefined] : [admin]) {
          const response = await t.app.inject({
            method: operation.method as 'GET',
            url: request.url,
            headers: {
              ...(token ? { authorization: `Bearer ${token}` } : {}),
              ...(request.type ? { 'content-type': request.type } : {}),
            },
            ...(request.body !== undefined ? { payload: request.body } : {}),
          });
          sent += 1;
          if (response.statusCode >= 500) {
            serverErrors.push(
              `${operation.method} ${request.url.slice(0, 120)} → ${response.statusCode} ${response.body.slice(0, 200)}`,
            );
          } else if (response.statusCode >= 400) {
            expect(response.json()).toMatchObject({
              statusCode: response.statusCode,
              code: expect.stringMatching(/^[A-Z_]+$/),
            });
          }
          // Fuzzing the logout routes ends the admin's session; sign in again.
          if (token && response.statusCode === 401 && response.json().code === 'SESSION_REVOKED') {
            admin = await t.login(ADMIN.username, ADMIN.password);
          }
        }
      }
    }
    expect(serverErrors).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(5000);
    const health = await t.call({ method: 'GET', url: '/health' });
    expect(health.json()).toMatchObject({ status: 'ok', services: { database: 'ok' } });
    expect((await t.call({ method: 'GET', url: `/api/v1/pets/${pet.id}` })).statusCode).toBe(200);
  }, 240_000);
});
