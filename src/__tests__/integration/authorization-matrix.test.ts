import { IMAGES, multipart } from '../helpers/multipart.js';
import { ADMIN, createPet, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Who may call what: every documented operation × {anonymous, customer (the owner), another customer, admin},
 * asserted from this one table. An operation in the OpenAPI document without a row fails the suite.
 */
type Caller = 'anonymous' | 'owner' | 'other' | 'admin';
const CALLERS: Caller[] = ['anonymous', 'owner', 'other', 'admin'];

interface Fixture {
  owner: { username: string; password: string; token: string };
  other: { username: string; password: string; token: string };
  adminToken: string;
}
interface Call {
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

let t: TestApp;
let counter = 0;
const PASSWORD = 'matrix-password-1';

async function user(prefix: string) {
  const username = `${prefix}${++counter}`;
  await t.call({ method: 'POST', url: '/api/v1/users', body: { username, password: PASSWORD } });
  return { username, password: PASSWORD, token: await t.login(username, PASSWORD) };
}
const petId = async () => (await createPet(t)).id;
async function ownersOrder(f: Fixture) {
  const response = await t.call({
    method: 'POST',
    url: '/api/v1/store/order',
    token: f.owner.token,
    body: { petId: await petId() },
  });
  return response.json().id as number;
}
const fresh = () => `fresh${++counter}`;
async function categoryId(f: Fixture) {
  const response = await t.call({
    method: 'POST',
    url: '/api/v1/categories',
    token: f.adminToken,
    body: { name: fresh() },
  });
  return response.json().id as number;
}

/** A receiver that is never reached: the webhooks here are paused at once, and its host is allowed by name. */
const WEBHOOK = { url: 'http://receiver.test/hook', topics: ['pets'] };
async function webhookId(f: Fixture) {
  const created = await t.call({
    method: 'POST',
    url: '/api/v1/webhooks',
    token: f.adminToken,
    body: WEBHOOK,
  });
  const id = created.json().id as number;
  await t.call({
    method: 'PATCH',
    url: `/api/v1/webhooks/${id}`,
    token: f.adminToken,
    body: { status: 'paused' },
  });
  return id;
}

// [anonymous, owner, other customer, admin]
const MATRIX: Record<
  string,
  { expect: [number, number, number, number]; call: (f: Fixture) => Promise<Call> }
> = {
  'GET /api/v1/pets': { expect: [200, 200, 200, 200], call: async () => ({ url: '/api/v1/pets' }) },
  'GET /api/v1/cluster': { expect: [401, 403, 403, 200], call: async () => ({ url: '/api/v1/cluster' }) },
  'GET /api/v1/pets/findByStatus': {
    expect: [200, 200, 200, 200],
    call: async () => ({ url: '/api/v1/pets/findByStatus?status=available' }),
  },
  'GET /api/v1/pets/findByTags': {
    expect: [200, 200, 200, 200],
    call: async () => ({ url: '/api/v1/pets/findByTags?tags=x' }),
  },
  'GET /api/v1/pets/{id}': {
    expect: [200, 200, 200, 200],
    call: async () => ({ url: `/api/v1/pets/${await petId()}` }),
  },
  'GET /api/v1/categories': {
    expect: [200, 200, 200, 200],
    call: async () => ({ url: '/api/v1/categories' }),
  },
  'GET /api/v1/categories/{id}': {
    expect: [200, 200, 200, 200],
    call: async (f) => ({ url: `/api/v1/categories/${await categoryId(f)}` }),
  },
  'POST /api/v1/categories': {
    expect: [401, 403, 403, 201],
    call: async () => ({ url: '/api/v1/categories', body: { name: fresh() } }),
  },
  'PUT /api/v1/categories/{id}': {
    expect: [401, 403, 403, 200],
    call: async (f) => ({ url: `/api/v1/categories/${await categoryId(f)}`, body: { name: fresh() } }),
  },
  'DELETE /api/v1/categories/{id}': {
    expect: [401, 403, 403, 204],
    call: async (f) => ({ url: `/api/v1/categories/${await categoryId(f)}` }),
  },
  'POST /api/v1/pets': {
    expect: [401, 403, 403, 201],
    call: async () => ({ url: '/api/v1/pets', body: { name: 'M' } }),
  },
  'PUT /api/v1/pets/{id}': {
    expect: [401, 403, 403, 200],
    call: async () => ({ url: `/api/v1/pets/${await petId()}`, body: { name: 'M' } }),
  },
  'PATCH /api/v1/pets/{id}': {
    expect: [401, 403, 403, 200],
    call: async () => ({ url: `/api/v1/pets/${await petId()}`, body: { name: 'M' } }),
  },
  'DELETE /api/v1/pets/{id}': {
    expect: [401, 403, 403, 204],
    call: async () => ({ url: `/api/v1/pets/${await petId()}` }),
  },
  'POST /api/v1/pets/{id}/uploadImage': {
    expect: [401, 403, 403, 201],
    call: async () => {
      const { body, headers } = multipart([{ name: 'file', value: IMAGES.png, filename: 'a.png' }]);
      return { url: `/api/v1/pets/${await petId()}/uploadImage`, body, headers };
    },
  },
  'GET /api/v1/pets/{id}/images/{imageId}': {
    expect: [200, 200, 200, 200],
    call: async (f) => {
      const { body, headers } = multipart([{ name: 'file', value: IMAGES.gif, filename: 'a.gif' }]);
      const pet = await t.call({
        method: 'POST',
        url: `/api/v1/pets/${await petId()}/uploadImage`,
        token: f.adminToken,
        body,
        headers,
      });
      return { url: pet.json().photoUrls[0] };
    },
  },
  'GET /api/v1/store/inventory': {
    expect: [200, 200, 200, 200],
    call: async () => ({ url: '/api/v1/store/inventory' }),
  },
  'POST /api/v1/store/order': {
    expect: [401, 201, 201, 201],
    call: async () => ({ url: '/api/v1/store/order', body: { petId: await petId() } }),
  },
  'GET /api/v1/store/orders': {
    expect: [401, 200, 200, 200],
    call: async () => ({ url: '/api/v1/store/orders' }),
  },
  'GET /api/v1/store/order/{orderId}': {
    expect: [401, 200, 404, 200],
    call: async (f) => ({ url: `/api/v1/store/order/${await ownersOrder(f)}` }),
  },
  'PATCH /api/v1/store/order/{orderId}': {
    expect: [401, 403, 403, 200],
    call: async (f) => ({ url: `/api/v1/store/order/${await ownersOrder(f)}`, body: { status: 'approved' } }),
  },
  'DELETE /api/v1/store/order/{orderId}': {
    expect: [401, 204, 404, 204],
    call: async (f) => ({ url: `/api/v1/store/order/${await ownersOrder(f)}` }),
  },
  'POST /api/v1/users': {
    expect: [201, 201, 201, 201],
    call: async () => ({ url: '/api/v1/users', body: { username: fresh(), password: PASSWORD } }),
  },
  'POST /api/v1/users/createWithList': {
    expect: [401, 403, 403, 201],
    call: async () => ({
      url: '/api/v1/users/createWithList',
      body: [{ username: fresh(), password: PASSWORD }],
    }),
  },
  'GET /api/v1/users': { expect: [401, 403, 403, 200], call: async () => ({ url: '/api/v1/users' }) },
  'GET /api/v1/users/me': { expect: [401, 200, 200, 200], call: async () => ({ url: '/api/v1/users/me' }) },
  'GET /api/v1/users/{username}': {
    expect: [401, 200, 403, 200],
    call: async (f) => ({ url: `/api/v1/users/${f.owner.username}` }),
  },
  'PUT /api/v1/users/{username}': {
    expect: [401, 200, 403, 200],
    call: async (f) => ({ url: `/api/v1/users/${f.owner.username}`, body: { firstName: 'M' } }),
  },
  'DELETE /api/v1/users/{username}': {
    expect: [401, 204, 403, 204],
    call: async (f) => ({ url: `/api/v1/users/${f.owner.username}` }),
  },
  'POST /api/v1/auth/login': {
    expect: [200, 200, 200, 200],
    call: async () => ({ url: '/api/v1/auth/login', body: ADMIN }),
  },
  'GET /api/v1/users/login': {
    expect: [200, 200, 200, 200],
    call: async () => ({ url: `/api/v1/users/login?username=${ADMIN.username}&password=${ADMIN.password}` }),
  },
  'POST /api/v1/auth/refresh': {
    expect: [200, 200, 200, 200],
    call: async (f) => {
      const pair = await t.call({
        method: 'POST',
        url: '/api/v1/auth/login',
        body: { username: f.other.username, password: PASSWORD },
      });
      return { url: '/api/v1/auth/refresh', body: { refreshToken: pair.json().refreshToken } };
    },
  },
  'POST /api/v1/auth/logout': {
    expect: [401, 204, 204, 204],
    call: async () => ({ url: '/api/v1/auth/logout' }),
  },
  'GET /api/v1/users/logout': {
    expect: [401, 204, 204, 204],
    call: async () => ({ url: '/api/v1/users/logout' }),
  },
  'POST /api/v1/webhooks': {
    expect: [401, 403, 403, 201],
    call: async () => ({ url: '/api/v1/webhooks', body: WEBHOOK }),
  },
  'GET /api/v1/webhooks': { expect: [401, 403, 403, 200], call: async () => ({ url: '/api/v1/webhooks' }) },
  'GET /api/v1/webhooks/{id}': {
    expect: [401, 403, 403, 200],
    call: async (f) => ({ url: `/api/v1/webhooks/${await webhookId(f)}` }),
  },
  'PATCH /api/v1/webhooks/{id}': {
    expect: [401, 403, 403, 200],
    call: async (f) => ({ url: `/api/v1/webhooks/${await webhookId(f)}`, body: { status: 'paused' } }),
  },
  'DELETE /api/v1/webhooks/{id}': {
    expect: [401, 403, 403, 204],
    call: async (f) => ({ url: `/api/v1/webhooks/${await webhookId(f)}` }),
  },
  'POST /api/v1/webhooks/{id}/rotate-secret': {
    expect: [401, 403, 403, 200],
    call: async (f) => ({ url: `/api/v1/webhooks/${await webhookId(f)}/rotate-secret` }),
  },
  'GET /api/v1/webhooks/{id}/deliveries': {
    expect: [401, 403, 403, 200],
    call: async (f) => ({ url: `/api/v1/webhooks/${await webhookId(f)}/deliveries` }),
  },
  'POST /api/v1/webhooks/{id}/redeliver': {
    expect: [401, 403, 403, 200],
    call: async (f) => ({ url: `/api/v1/webhooks/${await webhookId(f)}/redeliver`, body: { since: 0 } }),
  },
  'GET /health': { expect: [200, 200, 200, 200], call: async () => ({ url: '/health' }) },
  'GET /ready': { expect: [200, 200, 200, 200], call: async () => ({ url: '/ready' }) },
};

beforeAll(async () => {
  t = await startTestApp({ WEBHOOK_ALLOWED_HOSTS: 'receiver.test' });
});
afterAll(() => t.close());

it('has a row for every operation in the OpenAPI document, and none for an operation that does not exist', async () => {
  const document = (await t.call({ method: 'GET', url: '/documentation/json' })).json();
  const operations = Object.entries(document.paths as Record<string, object>).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );
  expect(Object.keys(MATRIX).sort()).toEqual(operations.sort());
});

describe.each(Object.entries(MATRIX))('%s', (operation, row) => {
  it.each(CALLERS.map((caller, index) => [caller, row.expect[index]] as const))(
    'as %s answers %i',
    async (caller, status) => {
      // Fresh users and tokens for every call, so that logouts and deletions cannot leak into other rows.
      const fixture: Fixture = {
        owner: await user('owner'),
        other: await user('other'),
        adminToken: await t.login(ADMIN.username, ADMIN.password),
      };
      const token = {
        anonymous: undefined,
        owner: fixture.owner.token,
        other: fixture.other.token,
        admin: fixture.adminToken,
      }[caller];
      const call = await row.call(fixture);
      const [method] = operation.split(' ') as [string];
      const response = await t.call({
        method: method as 'GET',
        url: call.url,
        token,
        body: call.body,
        headers: call.headers,
      });
      expect([operation, caller, response.statusCode]).toEqual([operation, caller, status]);
    },
  );
});
