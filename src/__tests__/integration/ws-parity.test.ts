import { RawSocket } from '../helpers/raw-socket.js';
import { createPet, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * One table of cases, run through both doors: every action succeeds and fails over WebSocket as REST does
 * for the same caller, because both call the same services with the same schemas and rules.
 */
let t: TestApp;
let url: string;
const tokens: Record<string, string | undefined> = {};
let ids: { pet: number; heldPet: number; aliceOrder: number };

beforeAll(async () => {
  t = await startTestApp();
  url = (await t.listen()).ws;
  tokens.admin = await t.adminToken();
  tokens.alice = (await t.customer('alice')).token;
  tokens.bob = (await t.customer('bob')).token;
  const pet = await createPet(t, { name: 'Parity' });
  const heldPet = await createPet(t, { name: 'Held' });
  const order = await t.call({
    method: 'POST',
    url: '/api/v1/store/order',
    token: tokens.alice,
    body: { petId: heldPet.id },
  });
  ids = { pet: pet.id, heldPet: heldPet.id, aliceOrder: order.json().id };
});
afterAll(() => t.close());

type Caller = 'anonymous' | 'alice' | 'bob' | 'admin';
interface Case {
  name: string;
  caller: Caller;
  rest: () => { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; body?: unknown };
  ws: () => [string, unknown];
  status: number;
  wsCode?: string;
}

const cases: Case[] = [
  {
    name: 'get a pet',
    caller: 'anonymous',
    rest: () => ({ method: 'GET', url: `/api/v1/pets/${ids.pet}` }),
    ws: () => ['pets.get', { id: ids.pet }],
    status: 200,
  },
  {
    name: 'get an unknown pet',
    caller: 'anonymous',
    rest: () => ({ method: 'GET', url: '/api/v1/pets/999999' }),
    ws: () => ['pets.get', { id: 999999 }],
    status: 404,
    wsCode: 'NOT_FOUND',
  },
  {
    name: 'list pets by status',
    caller: 'anonymous',
    rest: () => ({ method: 'GET', url: '/api/v1/pets?status=pending&limit=5' }),
    ws: () => ['pets.list', { status: 'pending', limit: 5 }],
    status: 200,
  },
  {
    name: 'find by status',
    caller: 'anonymous',
    rest: () => ({ method: 'GET', url: '/api/v1/pets/findByStatus?status=available' }),
    ws: () => ['pets.findByStatus', { status: 'available' }],
    status: 200,
  },
  {
    name: 'list with a bad limit',
    caller: 'anonymous',
    rest: () => ({ method: 'GET', url: '/api/v1/pets?limit=500' }),
    ws: () => ['pets.list', { limit: 500 }],
    status: 400,
    wsCode: 'VALIDATION_ERROR',
  },
  {
    name: 'inventory',
    caller: 'anonymous',
    rest: () => ({ method: 'GET', url: '/api/v1/store/inventory' }),
    ws: () => ['store.inventory', {}],
    status: 200,
  },
  {
    name: 'create a pet anonymously',
    caller: 'anonymous',
    rest: () => ({ method: 'POST', url: '/api/v1/pets', body: { name: 'X' } }),
    ws: () => ['pets.create', { name: 'X' }],
    status: 401,
    wsCode: 'UNAUTHENTICATED',
  },
  {
    name: 'create a pet as a customer',
    caller: 'alice',
    rest: () => ({ method: 'POST', url: '/api/v1/pets', body: { name: 'X' } }),
    ws: () => ['pets.create', { name: 'X' }],
    status: 403,
    wsCode: 'FORBIDDEN',
  },
  {
    name: 'create a pet with an unknown field',
    caller: 'admin',
    rest: () => ({ method: 'POST', url: '/api/v1/pets', body: { name: 'X', colour: 'red' } }),
    ws: () => ['pets.create', { name: 'X', colour: 'red' }],
    status: 400,
    wsCode: 'VALIDATION_ERROR',
  },
  {
    name: 'patch with a stale version',
    caller: 'admin',
    rest: () => ({ method: 'PATCH', url: `/api/v1/pets/${ids.pet}`, body: { name: 'Y' } }),
    ws: () => ['pets.patch', { id: ids.pet, patch: { name: 'Y' }, expectedVersion: 99 }],
    status: 200,
    wsCode: 'CONFLICT',
  },
  {
    name: 'delete a held pet',
    caller: 'admin',
    rest: () => ({ method: 'DELETE', url: `/api/v1/pets/${ids.heldPet}` }),
    ws: () => ['pets.delete', { id: ids.heldPet }],
    status: 409,
    wsCode: 'CONFLICT',
  },
  {
    name: 'order a held pet',
    caller: 'bob',
    rest: () => ({ method: 'POST', url: '/api/v1/store/order', body: { petId: ids.heldPet } }),
    ws: () => ['orders.place', { petId: ids.heldPet }],
    status: 409,
    wsCode: 'CONFLICT',
  },
  {
    name: 'order anonymously',
    caller: 'anonymous',
    rest: () => ({ method: 'POST', url: '/api/v1/store/order', body: { petId: ids.pet } }),
    ws: () => ['orders.place', { petId: ids.pet }],
    status: 401,
    wsCode: 'UNAUTHENTICATED',
  },
  {
    name: "read someone else's order",
    caller: 'bob',
    rest: () => ({ method: 'GET', url: `/api/v1/store/order/${ids.aliceOrder}` }),
    ws: () => ['orders.get', { id: ids.aliceOrder }],
    status: 404,
    wsCode: 'NOT_FOUND',
  },
  {
    name: 'read my own order',
    caller: 'alice',
    rest: () => ({ method: 'GET', url: `/api/v1/store/order/${ids.aliceOrder}` }),
    ws: () => ['orders.get', { id: ids.aliceOrder }],
    status: 200,
  },
  {
    name: 'list my orders',
    caller: 'alice',
    rest: () => ({ method: 'GET', url: '/api/v1/store/orders' }),
    ws: () => ['orders.list', {}],
    status: 200,
  },
  {
    name: 'approve as a customer',
    caller: 'alice',
    rest: () => ({
      method: 'PATCH',
      url: `/api/v1/store/order/${ids.aliceOrder}`,
      body: { status: 'approved' },
    }),
    ws: () => ['orders.update', { id: ids.aliceOrder, status: 'approved' }],
    status: 403,
    wsCode: 'FORBIDDEN',
  },
  {
    name: 'skip a step as admin',
    caller: 'admin',
    rest: () => ({
      method: 'PATCH',
      url: `/api/v1/store/order/${ids.aliceOrder}`,
      body: { status: 'delivered' },
    }),
    ws: () => ['orders.update', { id: ids.aliceOrder, status: 'delivered' }],
    status: 409,
    wsCode: 'CONFLICT',
  },
  {
    name: "cancel someone else's order",
    caller: 'bob',
    rest: () => ({ method: 'DELETE', url: `/api/v1/store/order/${ids.aliceOrder}` }),
    ws: () => ['orders.cancel', { id: ids.aliceOrder }],
    status: 404,
    wsCode: 'NOT_FOUND',
  },
  {
    name: 'who am I',
    caller: 'alice',
    rest: () => ({ method: 'GET', url: '/api/v1/users/me' }),
    ws: () => ['users.me', {}],
    status: 200,
  },
  {
    name: 'who am I, anonymously',
    caller: 'anonymous',
    rest: () => ({ method: 'GET', url: '/api/v1/users/me' }),
    ws: () => ['users.me', {}],
    status: 401,
    wsCode: 'UNAUTHENTICATED',
  },
];

describe.each(cases)('$name as $caller', (testCase) => {
  it('gives the same outcome over REST and WebSocket', async () => {
    const token = tokens[testCase.caller];
    const restCall = testCase.rest();
    const rest = await t.call({ ...restCall, token });
    const socket = await RawSocket.open(url);
    if (token) await socket.request('authenticate', { token });
    const [action, payload] = testCase.ws();
    const ws = await socket.request(action, payload);
    socket.close();

    if (testCase.wsCode === 'CONFLICT' && testCase.status === 200) {
      // REST without If-Match succeeds; the same call with a stale version is refused like a 412.
      expect(rest.statusCode).toBe(200);
      expect(ws.payload).toMatchObject({ code: 'CONFLICT', statusCode: 412, reason: 'PRECONDITION_FAILED' });
      return;
    }
    expect(rest.statusCode).toBe(testCase.status);
    if (testCase.status < 300) {
      expect(ws.status).toBe('success');
      const restBody = rest.json();
      expect(ws.payload).toEqual(restBody);
    } else {
      expect(ws.status).toBe('error');
      const restError = rest.json();
      expect(ws.payload).toMatchObject({
        statusCode: restError.statusCode,
        code: testCase.wsCode,
        reason: restError.code,
      });
      if (restError.details) {
        // Same schema, same findings; only the context name differs (querystring or body vs payload).
        const asPayload = (details: Array<{ path: string; message: string }>) =>
          details.map((detail) => ({
            ...detail,
            path: detail.path.replace(/^(body|querystring|params)$/, 'payload'),
          }));
        expect((ws.payload as { details: unknown }).details).toEqual(asPayload(restError.details));
      } else {
        expect((ws.payload as { message: string }).message).toBe(restError.message);
      }
    }
  });
});
