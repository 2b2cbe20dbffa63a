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
  rest: () => {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    url: string;
    body?: unknown;
    headers?: Record<string, string>;
  };
  ws: () => [string, unknown];
  status: number;
  code?: string;
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
  },
  {
    name: 'create a pet as a customer',
    caller: 'alice',
    rest: () => ({ method: 'POST', url: '/api/v1/pets', body: { name: 'X' } }),
    ws: () => ['pets.create', { name: 'X' }],
    status: 403,
  },
  {
    name: 'create a pet with an unknown field',
    caller: 'admin',
    rest: () => ({ method: 'POST', url: '/api/v1/pets', body: { name: 'X', colour: 'red' } }),
    ws: () => ['pets.create', { name: 'X', colour: 'red' }],
    status: 400,
  },
  {
    name: 'patch with a stale version',
    caller: 'admin',
    rest: () => ({
      method: 'PATCH',
      url: `/api/v1/pets/${ids.pet}`,
      body: { name: 'Y' },
      headers: { 'if-match': '"99"' },
    }),
    ws: () => ['pets.patch', { id: ids.pet, patch: { name: 'Y' }, expectedVersion: 99 }],
    status: 412,
  },
  {
    name: 'delete a held pet',
    caller: 'admin',
    rest: () => ({ method: 'DELETE', url: `/api/v1/pets/${ids.heldPet}` }),
    ws: () => ['pets.delete', { id: ids.heldPet }],
    status: 409,
  },
  {
    name: 'order a held pet',
    caller: 'bob',
    rest: () => ({ method: 'POST', url: '/api/v1/store/order', body: { petId: ids.heldPet } }),
    ws: () => ['orders.place', { petId: ids.heldPet }],
    status: 409,
  },
  {
    name: 'order anonymously',
    caller: 'anonymous',
    rest: () => ({ method: 'POST', url: '/api/v1/store/order', body: { petId: ids.pet } }),
    ws: () => ['orders.place', { petId: ids.pet }],
    status: 401,
  },
  {
    name: "read someone else's order",
    caller: 'bob',
    rest: () => ({ method: 'GET', url: `/api/v1/store/order/${ids.aliceOrder}` }),
    ws: () => ['orders.get', { id: ids.aliceOrder }],
    status: 404,
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
  },
  {
    name: "cancel someone else's order",
    caller: 'bob',
    rest: () => ({ method: 'DELETE', url: `/api/v1/store/order/${ids.aliceOrder}` }),
    ws: () => ['orders.cancel', { id: ids.aliceOrder }],
    status: 404,
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
  },
];

/** The REST error body as the WebSocket door words it: the input is called `payload` there. */
function asPayloadError(body: { message: string; details?: Array<{ path: string; message: string }> }) {
  const context = /^(body|querystring|params)$/;
  return {
    ...body,
    message: body.message.replace(/\b(body|querystring|params)\b/g, 'payload'),
    ...(body.details
      ? {
          details: body.details.map((detail) => ({
            ...detail,
            path: detail.path.replace(context, 'payload'),
          })),
        }
      : {}),
  };
}

describe.each(cases)('$name as $caller', (testCase) => {
  it('gives the same outcome over REST and WebSocket', async () => {
    const token = tokens[testCase.caller];
    const rest = await t.call({ ...testCase.rest(), token });
    const socket = await RawSocket.open(url);
    if (token) await socket.request('authenticate', { token });
    const [action, payload] = testCase.ws();
    const ws = await socket.request(action, payload);
    socket.close();

    expect(rest.statusCode).toBe(testCase.status);
    if (testCase.status < 300) {
      expect(ws.status).toBe('success');
      expect(ws.payload).toEqual(rest.json());
    } else {
      expect(ws.status).toBe('error');
      // One catalog: the very same body, specific code included (PET_NOT_FOUND, not a generic NOT_FOUND).
      expect(ws.payload).toEqual(asPayloadError(rest.json()));
    }
  });
});

type Write = 'pets.create' | 'pets.update' | 'pets.patch' | 'pets.delete';
type OrderWrite = 'orders.place' | 'orders.update' | 'orders.cancel';

interface WriteCase {
  action: Write | OrderWrite;
  caller: 'admin' | 'alice';
  /** Sets up what the write needs (a fresh pet, an order) and returns the two calls on it. */
  prepare: () => Promise<{
    rest: { method: 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; body?: unknown };
    ws: unknown;
  }>;
  status: number;
}

const petBody = { name: 'Written', category: { name: 'Cats' }, tags: [{ name: 'calm' }], status: 'pending' };
const freshPet = () => createPet(t, { name: 'Fresh' });
const placeOrder = async () => {
  const pet = await freshPet();
  const order = await t.call({
    method: 'POST',
    url: '/api/v1/store/order',
    token: tokens.alice,
    body: { petId: pet.id, quantity: 2 },
  });
  return order.json().id as number;
};

const writes: WriteCase[] = [
  {
    action: 'pets.create',
    caller: 'admin',
    prepare: async () => ({ rest: { method: 'POST', url: '/api/v1/pets', body: petBody }, ws: petBody }),
    status: 201,
  },
  {
    action: 'pets.update',
    caller: 'admin',
    prepare: async () => {
      const pet = await freshPet();
      return {
        rest: { method: 'PUT', url: `/api/v1/pets/${pet.id}`, body: petBody },
        ws: { id: pet.id, pet: petBody, expectedVersion: pet.version },
      };
    },
    status: 200,
  },
  {
    action: 'pets.patch',
    caller: 'admin',
    prepare: async () => {
      const pet = await freshPet();
      return {
        rest: { method: 'PATCH', url: `/api/v1/pets/${pet.id}`, body: { status: 'sold' } },
        ws: { id: pet.id, patch: { status: 'sold' }, expectedVersion: pet.version },
      };
    },
    status: 200,
  },
  {
    action: 'pets.delete',
    caller: 'admin',
    prepare: async () => {
      const pet = await freshPet();
      return { rest: { method: 'DELETE', url: `/api/v1/pets/${pet.id}` }, ws: { id: pet.id } };
    },
    status: 204,
  },
  {
    action: 'orders.place',
    caller: 'alice',
    prepare: async () => {
      const pet = await freshPet();
      const body = { petId: pet.id, quantity: 3, shipDate: '2027-01-02T03:04:05.000Z' };
      return { rest: { method: 'POST', url: '/api/v1/store/order', body }, ws: body };
    },
    status: 201,
  },
  {
    action: 'orders.update',
    caller: 'admin',
    prepare: async () => {
      const id = await placeOrder();
      return {
        rest: { method: 'PATCH', url: `/api/v1/store/order/${id}`, body: { status: 'approved' } },
        ws: { id, status: 'approved', expectedVersion: 1 },
      };
    },
    status: 200,
  },
  {
    action: 'orders.cancel',
    caller: 'alice',
    prepare: async () => {
      const id = await placeOrder();
      return { rest: { method: 'DELETE', url: `/api/v1/store/order/${id}` }, ws: { id } };
    },
    status: 204,
  },
];

/** A resource without what differs between two equal writes: ids, times, and which pet it is about. */
function comparable(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const { id, petId, createdAt, updatedAt, ...rest } = value as Record<string, unknown>;
  void [id, petId, createdAt, updatedAt];
  if ('available' in rest) return Object.keys(rest).sort(); // the inventory: counts move with every write
  return rest;
}

describe('writes over WebSocket', () => {
  let observer: RawSocket;
  beforeAll(async () => {
    observer = await RawSocket.open(url, { headers: { authorization: `Bearer ${tokens.admin}` } });
    await observer.request('subscribe', { topics: ['pets', 'inventory', 'orders'] });
  });
  afterAll(() => observer.close());

  /** Runs a write and returns the events it caused, as the admin's subscriber saw them. */
  async function eventsOf(write: () => Promise<void>) {
    const before = await t.app.services.feed.currentSeq(t.app.database.db);
    await write();
    const after = await t.app.services.feed.currentSeq(t.app.database.db);
    await observer.waitForSeq(after);
    return observer
      .events()
      .filter((event) => event.seq > before && event.seq <= after)
      .map((event) => ({ event: event.event, topic: event.topic, payload: comparable(event.payload) }));
  }

  it.each(writes)('$action succeeds with the same resource, status and events as REST', async (write) => {
    const token = tokens[write.caller] as string;
    const viaRest = await write.prepare();
    const viaWs = await write.prepare();
    let rest: Awaited<ReturnType<TestApp['call']>> | undefined;
    const restEvents = await eventsOf(async () => {
      rest = await t.call({ ...viaRest.rest, token });
    });
    const socket = await RawSocket.open(url, { headers: { authorization: `Bearer ${token}` } });
    let answer: Awaited<ReturnType<RawSocket['request']>> | undefined;
    const wsEvents = await eventsOf(async () => {
      answer = await socket.request(write.action, viaWs.ws);
    });
    socket.close();

    expect(rest?.statusCode).toBe(write.status);
    expect(answer?.status).toBe('success');
    if (write.status === 204) {
      expect(answer?.payload).toEqual({ id: (viaWs.ws as { id: number }).id });
    } else {
      expect(comparable(answer?.payload)).toEqual(comparable(rest?.json()));
    }
    expect(restEvents.length).toBeGreaterThan(0);
    expect(wsEvents).toEqual(restEvents);
  });
});
