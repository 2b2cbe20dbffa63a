import { ADMIN, createPet, startTestApp, type TestApp } from '../helpers/test-app.js';

/** The response headers a client may read, which the document must declare wherever they are sent. */
const TRACKED = [
  'x-request-id',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'retry-after',
  'x-event-seq',
  'etag',
  'cache-control',
  'location',
  'x-expires-after',
  'x-rate-limit',
];

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

interface Exchange {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path as the document names it. */
  path: string;
  url: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

describe('the response headers of the document', () => {
  it('declares every header a response carries, on that operation and status', async () => {
    const document = (await t.call({ method: 'GET', url: '/documentation/json' })).json();
    const admin = await t.adminToken();
    const customer = await t.customer();
    const pet = await createPet(t, { name: 'Headers' });
    const listed = await t.call({ method: 'GET', url: '/api/v1/pets' });
    const exchanges: Exchange[] = [
      { method: 'GET', path: '/api/v1/pets', url: '/api/v1/pets' },
      {
        method: 'GET',
        path: '/api/v1/pets',
        url: '/api/v1/pets',
        headers: { 'if-none-match': String(listed.headers.etag) },
      },
      { method: 'GET', path: '/api/v1/pets/{id}', url: `/api/v1/pets/${pet.id}` },
      { method: 'GET', path: '/api/v1/pets/{id}', url: '/api/v1/pets/999999' },
      { method: 'GET', path: '/api/v1/pets/findByStatus', url: '/api/v1/pets/findByStatus?status=available' },
      { method: 'POST', path: '/api/v1/pets', url: '/api/v1/pets', token: admin, body: { name: 'Made' } },
      { method: 'POST', path: '/api/v1/pets', url: '/api/v1/pets', body: { name: 'Anonymous' } },
      { method: 'POST', path: '/api/v1/pets', url: '/api/v1/pets', token: admin, body: { name: '' } },
      {
        method: 'PATCH',
        path: '/api/v1/pets/{id}',
        url: `/api/v1/pets/${pet.id}`,
        token: admin,
        body: { status: 'pending' },
      },
      {
        method: 'POST',
        path: '/api/v1/store/order',
        url: '/api/v1/store/order',
        token: customer.token,
        body: { petId: (await createPet(t, { name: 'Ordered' })).id },
      },
      { method: 'GET', path: '/api/v1/store/inventory', url: '/api/v1/store/inventory' },
      {
        method: 'GET',
        path: '/api/v1/users/login',
        url: `/api/v1/users/login?username=${ADMIN.username}&password=${ADMIN.password}`,
      },
      {
        method: 'POST',
        path: '/api/v1/auth/login',
        url: '/api/v1/auth/login',
        body: { username: ADMIN.username, password: ADMIN.password },
      },
      { method: 'GET', path: '/api/v1/users/me', url: '/api/v1/users/me', token: customer.token },
      { method: 'DELETE', path: '/api/v1/pets/{id}', url: `/api/v1/pets/${pet.id}`, token: admin },
      { method: 'GET', path: '/health', url: '/health' },
    ];
    const seen = new Set<string>();
    for (const exchange of exchanges) {
      const response = await t.call(exchange);
      const operation = document.paths[exchange.path]?.[exchange.method.toLowerCase()];
      const declared = operation?.responses?.[String(response.statusCode)]?.headers ?? {};
      const declaredNames = Object.keys(declared).map((name) => name.toLowerCase());
      const sent = TRACKED.filter((name) => response.headers[name] !== undefined);
      for (const name of sent) seen.add(name);
      const where = `${exchange.method} ${exchange.path} ${response.statusCode}`;
      expect([where, sent.filter((name) => !declaredNames.includes(name))]).toEqual([where, []]);
    }
    // The exchanges above carry every tracked header at least once, but Retry-After (429 and 503 only).
    expect(TRACKED.filter((name) => !seen.has(name))).toEqual(['retry-after']);
  });
});
