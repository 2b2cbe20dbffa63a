import { RawSocket } from '../helpers/raw-socket.js';
import { createPet, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let url: string;
let admin: string;

beforeAll(async () => {
  t = await startTestApp({ EVENT_RETENTION: '600' });
  url = (await t.listen()).ws;
  admin = await t.adminToken();
});
afterAll(() => t.close());

const patch = (app: TestApp, token: string, id: number, index: number) =>
  app.call({ method: 'PATCH', url: `/api/v1/pets/${id}`, token, body: { name: `n${index}` } });
const patchPet = (id: number, name: string) =>
  t.call({ method: 'PATCH', url: `/api/v1/pets/${id}`, token: admin, body: { name } });

async function socketFor(token?: string): Promise<RawSocket> {
  const socket = await RawSocket.open(url);
  if (token) expect((await socket.request('authenticate', { token })).status).toBe('success');
  return socket;
}

describe('who receives what', () => {
  it('gives a customer their own order events only, and an admin every order event', async () => {
    const alice = await t.customer('alice');
    const bob = await t.customer('bob');
    const [aliceSocket, bobSocket, adminSocket] = await Promise.all([
      socketFor(alice.token),
      socketFor(bob.token),
      socketFor(admin),
    ]);
    for (const socket of [aliceSocket, bobSocket, adminSocket])
      await socket.request('subscribe', { topics: ['orders'] });
    const pet = await createPet(t);
    const placed = await t.call({
      method: 'POST',
      url: '/api/v1/store/order',
      token: alice.token,
      body: { petId: pet.id },
    });
    const order = placed.json();
    await t.call({
      method: 'PATCH',
      url: `/api/v1/store/order/${order.id}`,
      token: admin,
      body: { status: 'approved' },
    });

    const approved = (frame: { event?: unknown; payload?: unknown }) =>
      frame.event === 'order.updated' && (frame.payload as { id: number }).id === order.id;
    await aliceSocket.next(approved);
    await adminSocket.next(approved);
    expect(aliceSocket.events().map((e) => e.event)).toEqual(['order.placed', 'order.updated']);
    expect(adminSocket.events().map((e) => e.event)).toEqual(['order.placed', 'order.updated']);
    await bobSocket.request('ping');
    expect(bobSocket.events()).toEqual([]);
    const anonymous = await socketFor();
    expect((await anonymous.request('subscribe', { topics: ['orders'] })).payload).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect((await bobSocket.request('subscribe', { topics: [`orders:${order.id}`] })).payload).toMatchObject({
      code: 'ORDER_NOT_FOUND',
    });
    expect((await aliceSocket.request('subscribe', { topics: [`orders:${order.id}`] })).status).toBe(
      'success',
    );
    for (const socket of [aliceSocket, bobSocket, adminSocket, anonymous]) socket.close();
  });

  it('filters pets:<id>, never sends one event twice to a socket on two matching topics, and stops after unsubscribe', async () => {
    const [one, two] = [await createPet(t), await createPet(t)];
    const socket = await socketFor();
    await socket.request('subscribe', { topics: [`pets:${one.id}`] });
    const both = await socketFor();
    await both.request('subscribe', { topics: ['pets', `pets:${one.id}`] });
    await patchPet(two.id, 'other');
    await patchPet(one.id, 'mine');
    const mine = await socket.next((frame) => frame.event === 'pet.updated');
    expect(mine).toMatchObject({ topic: `pets:${one.id}`, payload: { id: one.id, name: 'mine' } });
    await both.waitForSeq(mine.seq as number);
    expect(both.events().map((event) => event.seq)).toEqual([(mine.seq as number) - 1, mine.seq]);
    expect(socket.events()).toHaveLength(1);

    expect((await socket.request('unsubscribe', { topics: [`pets:${one.id}`] })).payload).toEqual({
      topics: [],
      seq: mine.seq,
    });
    await patchPet(one.id, 'after');
    await both.waitForSeq((mine.seq as number) + 1);
    expect(socket.events()).toHaveLength(1);
    expect((await socket.request('subscribe', { topics: ['pets:abc'] })).payload).toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    socket.close();
    both.close();
  });
});

describe('replay with since', () => {
  it('replays exactly the 500 changes made while a client was away, in order, then goes live', async () => {
    const pet = await createPet(t);
    const first = await socketFor();
    const { payload } = await first.request('subscribe', { topics: ['pets'] });
    const since = (payload as { seq: number }).seq;
    first.close();

    const expected: number[] = [];
    for (let index = 0; index < 500; index += 1) {
      expected.push(Number((await patchPet(pet.id, `away-${index}`)).headers['x-event-seq']));
    }
    const back = await socketFor();
    const answer = await back.request('subscribe', { topics: ['pets'], since });
    expect(answer.status).toBe('success');
    await back.waitForSeq(expected.at(-1) as number);
    expect(back.events().map((event) => event.seq)).toEqual(expected);
    expect(back.events().map((event) => (event.payload as { name: string }).name)).toEqual(
      expected.map((_, i) => `away-${i}`),
    );

    const live = Number((await patchPet(pet.id, 'live')).headers['x-event-seq']);
    await back.waitForSeq(live);
    expect(back.events().at(-1)).toMatchObject({ seq: live, payload: { name: 'live' } });
    expect(back.events()).toHaveLength(501);
    back.close();
  });

  it('misses nothing when it subscribes from a REST snapshot while writes run concurrently', async () => {
    const pets = await Promise.all(Array.from({ length: 5 }, () => createPet(t)));
    let writing = true;
    let counter = 0;
    const writer = (async () => {
      const seqs: number[] = [];
      while (writing) {
        const pet = pets[counter % pets.length]!;
        seqs.push(Number((await patchPet(pet.id, `w${counter++}`)).headers['x-event-seq']));
      }
      return seqs;
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const snapshot = await t.call({ method: 'GET', url: '/api/v1/pets?limit=100' });
    const since = Number(snapshot.headers['x-event-seq']);
    const state = new Map<number, string>(
      snapshot.json().items.map((p: { id: number; name: string }) => [p.id, p.name]),
    );
    const socket = await socketFor();
    await socket.request('subscribe', { topics: ['pets'], since });
    await new Promise((resolve) => setTimeout(resolve, 200));
    writing = false;
    const seqs = await writer;
    const last = seqs.at(-1) as number;
    await socket.waitForSeq(last);
    const received = socket.events().map((event) => event.seq);
    expect(received).toEqual(seqs.filter((seq) => seq > since));
    for (const event of socket.events()) state.set(event.payload.id as number, event.payload.name as string);
    const final = await t.call({ method: 'GET', url: '/api/v1/pets?limit=100' });
    for (const pet of final.json().items) expect(state.get(pet.id)).toBe(pet.name);
    socket.close();
  });

  it('answers RESYNC_REQUIRED when since is older than what is kept, or newer than anything committed', async () => {
    const pet = await createPet(t);
    for (let index = 0; index < 30; index += 1) await patchPet(pet.id, `r${index}`);
    const newest = await t.app.services.feed.currentSeq(t.app.database.db);
    await t.app.services.feed.pruneThrough(t.app.database.db, newest - 10);
    const socket = await socketFor();
    const tooOld = await socket.request('subscribe', { topics: ['pets'], since: newest - 20 });
    expect(tooOld.payload).toMatchObject({ code: 'RESYNC_REQUIRED' });
    const tooNew = await socket.request('subscribe', { topics: ['pets'], since: newest + 100 });
    expect(tooNew.payload).toMatchObject({ code: 'RESYNC_REQUIRED' });
    const fine = await socket.request('subscribe', { topics: ['pets'], since: newest - 5 });
    expect(fine.status).toBe('success');
    await socket.waitForSeq(newest);
    expect(socket.events().map((event) => event.seq)).toEqual([
      newest - 4,
      newest - 3,
      newest - 2,
      newest - 1,
      newest,
    ]);
    socket.close();
  });

  it('prunes the event table down to EVENT_RETENTION on its own', async () => {
    const pruned = await startTestApp({ EVENT_RETENTION: '100', EVENT_PRUNE_INTERVAL_MS: '1000' });
    try {
      const pet = await createPet(pruned);
      const token = await pruned.adminToken();
      const { feed } = pruned.app.services;
      const db = pruned.app.database.db;
      for (let index = 0; index < 110; index += 1) await patch(pruned, token, pet.id, index);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const newest = await feed.currentSeq(db);
      expect(newest).toBeGreaterThan(100);
      expect(await feed.replayableFrom(db)).toBe(newest - 100);
    } finally {
      await pruned.close();
    }
  });
});
