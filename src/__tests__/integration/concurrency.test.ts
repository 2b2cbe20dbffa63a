import type { AddressInfo } from 'node:net';
import { createPet, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let base: string;
let admin: string;

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api/v1`;
  admin = await t.adminToken();
});
afterAll(() => t.close());

async function http(method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: response.status === 204 ? null : await response.json(),
  };
}

describe('concurrent orders for one pet over real sockets', () => {
  it('gives exactly one 201 and nineteen 409 PET_NOT_AVAILABLE', async () => {
    const pet = await createPet(t);
    const customers = await Promise.all(Array.from({ length: 20 }, () => t.customer('racer')));
    const results = await Promise.all(
      customers.map((customer) => http('POST', '/store/order', customer.token, { petId: pet.id })),
    );
    const statuses = results.map((result) => result.status).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    expect(
      results.filter((result) => result.status === 409).every((r) => r.body.code === 'PET_NOT_AVAILABLE'),
    ).toBe(true);
    const orders = await http('GET', '/store/orders?limit=100', admin);
    expect(orders.body.items.filter((order: { petId: number }) => order.petId === pet.id)).toHaveLength(1);
    expect((await http('GET', `/pets/${pet.id}`)).body.status).toBe('pending');
  });
});

describe('the change feed under concurrent writes', () => {
  it('gives 200 parallel writes the seqs after the start, gap-free, each event matching its committed change', async () => {
    const pets = await Promise.all(
      Array.from({ length: 20 }, (_, index) => createPet(t, { name: `Writer ${index}` })),
    );
    const startSeq = Number((await http('GET', '/store/inventory')).headers.get('x-event-seq'));

    const writes = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        http('PATCH', `/pets/${pets[index % pets.length]!.id}`, admin, { name: `write-${index}` }),
      ),
    );
    expect(writes.every((write) => write.status === 200)).toBe(true);

    const feed = t.app.services.feed;
    const events = await feed.readAfter(t.app.database.db, startSeq, 1000);
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 200 }, (_, i) => startSeq + 1 + i));

    // Each write's response carries the seq of its own event, and that event holds exactly what was committed.
    for (const write of writes) {
      const seq = Number(write.headers.get('x-event-seq'));
      const event = events.find((candidate) => candidate.seq === seq);
      expect(event).toMatchObject({ topic: 'pets', type: 'pet.updated', payload: write.body });
    }
    // Replaying the events per pet ends at each pet's current state.
    for (const pet of pets) {
      const last = events
        .filter((event) => event.type === 'pet.updated' && event.payload.id === pet.id)
        .at(-1);
      expect((await http('GET', `/pets/${pet.id}`)).body).toEqual(last?.payload);
    }
    const versions = events.map((event) => (event.payload as { version: number }).version);
    expect(versions.every((version) => version >= 2)).toBe(true);
  });

  it('never lets a reader see a seq whose change it cannot see', async () => {
    const pet = await createPet(t);
    const reads: Array<Promise<{ seq: number; version: number }>> = [];
    const writes: Array<Promise<unknown>> = [];
    for (let index = 0; index < 50; index += 1) {
      writes.push(http('PATCH', `/pets/${pet.id}`, admin, { name: `n${index}` }));
      reads.push(
        http('GET', `/pets/${pet.id}`).then((read) => ({
          seq: Number(read.headers.get('x-event-seq')),
          version: read.body.version,
        })),
      );
    }
    await Promise.all(writes);
    const events = await t.app.services.feed.readAfter(t.app.database.db, 0, 100000);
    for (const read of await Promise.all(reads)) {
      const reflected = events.filter(
        (event) =>
          event.seq <= read.seq &&
          event.type !== 'inventory.changed' &&
          (event.payload as { id: number }).id === pet.id,
      );
      expect((reflected.at(-1)?.payload as { version: number }).version).toBe(read.version);
    }
  });
});
