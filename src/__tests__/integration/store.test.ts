import { createPet, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: string;
let alice: { token: string; userId: number };
let bob: { token: string; userId: number };

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.adminToken();
  alice = await t.customer('alice');
  bob = await t.customer('bob');
});
afterAll(() => t.close());

const petStatus = async (id: number) =>
  (await t.call({ method: 'GET', url: `/api/v1/pets/${id}` })).json().status;
const place = (token: string | undefined, body: unknown) =>
  t.call({ method: 'POST', url: '/api/v1/store/order', token, body });

describe('inventory', () => {
  it('counts pets by status, with X-Event-Seq', async () => {
    const before = (await t.call({ method: 'GET', url: '/api/v1/store/inventory' })).json();
    await createPet(t, { status: 'sold' });
    const response = await t.call({ method: 'GET', url: '/api/v1/store/inventory' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ...before, sold: before.sold + 1 });
    expect(response.headers['x-event-seq']).toMatch(/^\d+$/);
  });
});

describe('placing orders', () => {
  it('places an order with 201 and Location; the pet becomes pending', async () => {
    const pet = await createPet(t);
    const response = await place(alice.token, {
      petId: pet.id,
      quantity: 2,
      shipDate: '2026-12-01T10:00:00.000Z',
    });
    expect(response.statusCode).toBe(201);
    const order = response.json();
    expect(order).toMatchObject({
      petId: pet.id,
      userId: alice.userId,
      quantity: 2,
      shipDate: '2026-12-01T10:00:00.000Z',
      status: 'placed',
      complete: false,
      version: 1,
    });
    expect(response.headers.location).toBe(`/api/v1/store/order/${order.id}`);
    expect(response.headers.etag).toBe('"1"');
    expect(await petStatus(pet.id)).toBe('pending');
  });

  it('answers 409 PET_NOT_AVAILABLE for a pending or sold pet and 404 for an unknown pet', async () => {
    const sold = await createPet(t, { status: 'sold' });
    const conflict = await place(alice.token, { petId: sold.id });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({
      code: 'PET_NOT_AVAILABLE',
      message: `Pet ${sold.id} is sold, not available`,
    });
    const missing = await place(alice.token, { petId: 999999 });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('PET_NOT_FOUND');
  });

  it('refuses anonymous callers and bad input', async () => {
    const pet = await createPet(t);
    expect((await place(undefined, { petId: pet.id })).statusCode).toBe(401);
    for (const body of [
      {},
      { petId: 'one' },
      { petId: pet.id, quantity: 0 },
      { petId: pet.id, shipDate: 'soon' },
      { petId: pet.id, extra: 1 },
    ]) {
      const response = await place(alice.token, body);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('VALIDATION_ERROR');
    }
    expect(await petStatus(pet.id)).toBe('available');
  });
});

describe('reading orders', () => {
  let aliceOrder: number;
  let bobOrder: number;

  beforeAll(async () => {
    aliceOrder = (await place(alice.token, { petId: (await createPet(t)).id })).json().id;
    bobOrder = (await place(bob.token, { petId: (await createPet(t)).id })).json().id;
  });

  it('lets the owner and an admin read an order, and hides it from anyone else with 404', async () => {
    expect(
      (await t.call({ method: 'GET', url: `/api/v1/store/order/${aliceOrder}`, token: alice.token }))
        .statusCode,
    ).toBe(200);
    const byAdmin = await t.call({ method: 'GET', url: `/api/v1/store/order/${aliceOrder}`, token: admin });
    expect(byAdmin.statusCode).toBe(200);
    expect(byAdmin.headers.etag).toBe('"1"');
    const byBob = await t.call({ method: 'GET', url: `/api/v1/store/order/${aliceOrder}`, token: bob.token });
    expect(byBob.statusCode).toBe(404);
    expect(byBob.json().code).toBe('ORDER_NOT_FOUND');
    expect((await t.call({ method: 'GET', url: `/api/v1/store/order/${aliceOrder}` })).statusCode).toBe(401);
    expect(
      (await t.call({ method: 'GET', url: '/api/v1/store/order/999999', token: admin })).statusCode,
    ).toBe(404);
  });

  it('lists only the caller’s own orders; an admin sees all and filters by user and status', async () => {
    const ids = async (token: string, query = '') =>
      (await t.call({ method: 'GET', url: `/api/v1/store/orders?limit=100${query}`, token }))
        .json()
        .items.map((o: { id: number }) => o.id);
    const mine = await ids(alice.token);
    expect(mine).toContain(aliceOrder);
    expect(mine).not.toContain(bobOrder);
    expect(await ids(admin)).toEqual(expect.arrayContaining([aliceOrder, bobOrder]));
    expect(await ids(admin, `&userId=${bob.userId}`)).toEqual([bobOrder]);
    expect(await ids(admin, `&userId=${bob.userId}&status=approved`)).toEqual([]);
    expect(await ids(alice.token, `&userId=${alice.userId}`)).toEqual(mine);
    const snooping = await t.call({
      method: 'GET',
      url: `/api/v1/store/orders?userId=${bob.userId}`,
      token: alice.token,
    });
    expect(snooping.statusCode).toBe(403);
    expect((await t.call({ method: 'GET', url: '/api/v1/store/orders' })).statusCode).toBe(401);
    expect(
      (await t.call({ method: 'GET', url: '/api/v1/store/orders?status=lost', token: admin })).statusCode,
    ).toBe(400);
  });

  it('pages orders with a cursor', async () => {
    const first = (await t.call({ method: 'GET', url: '/api/v1/store/orders?limit=1', token: admin })).json();
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (
      await t.call({
        method: 'GET',
        url: `/api/v1/store/orders?limit=1&cursor=${first.nextCursor}`,
        token: admin,
      })
    ).json();
    expect(second.items[0].id).toBeGreaterThan(first.items[0].id);
  });
});

describe('the order state machine', () => {
  const patch = (id: number, status: string, token = admin, headers?: Record<string, string>) =>
    t.call({ method: 'PATCH', url: `/api/v1/store/order/${id}`, token, body: { status }, headers });

  it('goes placed → approved → delivered; delivery sells the pet and completes the order', async () => {
    const pet = await createPet(t);
    const order = (await place(alice.token, { petId: pet.id })).json();
    const approved = await patch(order.id, 'approved');
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', complete: false, version: 2 });
    const delivered = await patch(order.id, 'delivered', admin, { 'if-match': '"2"' });
    expect(delivered.json()).toMatchObject({ status: 'delivered', complete: true, version: 3 });
    expect(await petStatus(pet.id)).toBe('sold');
  });

  it('refuses skipped, backward and repeated steps with 409, and stale versions with 412', async () => {
    const order = (await place(alice.token, { petId: (await createPet(t)).id })).json();
    for (const status of ['delivered', 'placed']) {
      const response = await patch(order.id, status);
      expect(response.statusCode).toBe(409);
      expect(response.json().code).toBe('INVALID_STATUS_TRANSITION');
    }
    expect((await patch(order.id, 'approved', admin, { 'if-match': '"9"' })).statusCode).toBe(412);
    expect((await patch(order.id, 'approved')).statusCode).toBe(200);
    expect((await patch(order.id, 'approved')).statusCode).toBe(409);
    expect((await patch(order.id, 'shipped')).statusCode).toBe(400);
  });

  it('lets only an admin move an order', async () => {
    const order = (await place(alice.token, { petId: (await createPet(t)).id })).json();
    expect((await patch(order.id, 'approved', alice.token)).statusCode).toBe(403);
    expect(
      (
        await t.call({
          method: 'PATCH',
          url: `/api/v1/store/order/${order.id}`,
          body: { status: 'approved' },
        })
      ).statusCode,
    ).toBe(401);
    expect((await patch(999999, 'approved')).statusCode).toBe(404);
  });
});

describe('cancelling orders', () => {
  const cancel = (id: number, token?: string, headers?: Record<string, string>) =>
    t.call({ method: 'DELETE', url: `/api/v1/store/order/${id}`, token, headers });

  it('lets the owner cancel while placed; the pet is available again', async () => {
    const pet = await createPet(t);
    const order = (await place(alice.token, { petId: pet.id })).json();
    expect((await cancel(order.id, bob.token)).statusCode).toBe(404);
    expect((await cancel(order.id)).statusCode).toBe(401);
    expect((await cancel(order.id, alice.token, { 'if-match': '"5"' })).statusCode).toBe(412);
    expect((await cancel(order.id, alice.token)).statusCode).toBe(204);
    expect(await petStatus(pet.id)).toBe('available');
    expect(
      (await t.call({ method: 'GET', url: `/api/v1/store/order/${order.id}`, token: alice.token }))
        .statusCode,
    ).toBe(404);
  });

  it('refuses the owner once approved (409) but lets an admin cancel it', async () => {
    const pet = await createPet(t);
    const order = (await place(alice.token, { petId: pet.id })).json();
    await t.call({
      method: 'PATCH',
      url: `/api/v1/store/order/${order.id}`,
      token: admin,
      body: { status: 'approved' },
    });
    const refused = await cancel(order.id, alice.token);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('ORDER_NOT_CANCELLABLE');
    expect((await cancel(order.id, admin)).statusCode).toBe(204);
    expect(await petStatus(pet.id)).toBe('available');
  });

  it('keeps a delivered pet sold when an admin removes its order', async () => {
    const pet = await createPet(t);
    const order = (await place(alice.token, { petId: pet.id })).json();
    for (const status of ['approved', 'delivered']) {
      await t.call({
        method: 'PATCH',
        url: `/api/v1/store/order/${order.id}`,
        token: admin,
        body: { status },
      });
    }
    expect((await cancel(order.id, admin)).statusCode).toBe(204);
    expect(await petStatus(pet.id)).toBe('sold');
  });
});
