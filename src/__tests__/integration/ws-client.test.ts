import {
  PetstoreClient,
  PetstoreRequestError,
  type ChangeNotification,
  type ConnectionState,
} from '../../client/index.js';
import { WebSocket } from 'ws';
import { RawSocket } from '../helpers/raw-socket.js';
import { createPet, startTestApp, type TestApp } from '../helpers/test-app.js';
import { until } from '../helpers/until.js';

let t: TestApp;
let url: string;
let admin: string;

beforeAll(async () => {
  t = await startTestApp({
    WS_MAX_CONNECTIONS_PER_IP: '500',
    WS_MESSAGES_PER_MINUTE: '6000',
    WS_MESSAGE_BURST: '200',
  });
  url = (await t.listen()).ws;
  admin = await t.adminToken();
});
afterAll(() => t.close());

const patchPet = async (id: number, name: string) =>
  Number(
    (await t.call({ method: 'PATCH', url: `/api/v1/pets/${id}`, token: admin, body: { name } })).headers[
      'x-event-seq'
    ],
  );

describe('the typed client', () => {
  it('asks every request after an answer to reflect that answer’s seq (its own writes first)', async () => {
    const sent: Array<{ action: string; minSeq?: number }> = [];
    class Recording extends WebSocket {
      override send(data: string): void {
        sent.push(JSON.parse(data));
        super.send(data);
      }
    }
    const client = new PetstoreClient({ url, token: admin, WebSocket: Recording as never });
    await client.connect();
    const pet = await createPet(t, { name: 'Before' });
    await client.request('pets.get', { id: pet.id });
    const writeSeq = await patchPet(pet.id, 'Elsewhere'); // over REST: not an answer to this client
    await client.request('pets.patch', { id: pet.id, patch: { name: 'Mine' } });
    const read = await client.request<{ name: string }>('pets.get', { id: pet.id });
    expect(read.name).toBe('Mine');
    const [first, , last] = sent.filter((frame) => frame.action.startsWith('pets.'));
    expect(first?.minSeq).toBeUndefined();
    expect(last?.minSeq).toBeGreaterThan(writeSeq);
    client.close();
  });

  it('requests, times out, and reports server errors with their code', async () => {
    const client = new PetstoreClient({ url, token: admin, requestTimeoutMs: 2000 });
    await client.connect();
    expect(await client.request('users.me')).toMatchObject({ username: 'admin' });
    await expect(client.request('pets.get', { id: 999999 })).rejects.toMatchObject({ code: 'PET_NOT_FOUND' });
    await expect(client.request('nope')).rejects.toBeInstanceOf(PetstoreRequestError);
    client.close();
    await expect(client.request('ping')).rejects.toMatchObject({ code: 'DISCONNECTED' });
  });

  it('reconnects after a server restart and resumes from the last seq it saw, missing nothing', async () => {
    const pet = await createPet(t);
    const states: ConnectionState[] = [];
    const client = new PetstoreClient({
      url,
      token: () => t.adminToken(),
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    });
    client.on('state', (state) => states.push(state as ConnectionState));
    const received: number[] = [];
    await client.connect();
    await client.subscribe(['pets'], (event) => received.push(event.seq));
    const before = await patchPet(pet.id, 'before');
    await until(() => received.includes(before));

    await t.restart();
    await until(() => client.state === 'open');
    const during: number[] = [];
    for (let index = 0; index < 5; index += 1) during.push(await patchPet(pet.id, `after-${index}`));
    await until(() => received.includes(during.at(-1) as number));
    expect(received).toEqual([before, ...during]);
    expect(states).toEqual(expect.arrayContaining(['connecting', 'open', 'reconnecting']));
    client.close();
  });

  it('catches up on changes made while the server was down', async () => {
    const pet = await createPet(t);
    const client = new PetstoreClient({
      url,
      token: admin,
      reconnect: { initialDelayMs: 300, maxDelayMs: 300 },
    });
    const received: Array<ChangeNotification> = [];
    await client.connect();
    await client.subscribe(['pets'], (event) => received.push(event));
    // The node goes down; changes are committed (through a node that is not listening) before it is back.
    await t.restart({ listen: false });
    await until(() => client.state === 'reconnecting');
    const missed = [await patchPet(pet.id, 'missed-1'), await patchPet(pet.id, 'missed-2')];
    await t.listen();
    await until(() => received.some((event) => event.seq === missed[1]));
    expect(received.map((event) => event.seq)).toEqual(missed);
    client.close();
  });

  it('survives a reconnect storm: 200 clients drop and resume while writes continue, all ending identical', async () => {
    const pets = await Promise.all(Array.from({ length: 4 }, () => createPet(t)));
    const start = await t.app.services.feed.currentSeq(t.app.database.db);
    const clients = Array.from(
      { length: 200 },
      () => new PetstoreClient({ url, reconnect: { initialDelayMs: 20, maxDelayMs: 400 } }),
    );
    const streams = clients.map(() => [] as number[]);
    await Promise.all(clients.map((client) => client.connect()));
    await Promise.all(
      clients.map((client, index) =>
        client.subscribe(['pets'], (event) => streams[index]!.push(event.seq), { since: start }),
      ),
    );

    let writing = true;
    let counter = 0;
    const writer = (async () => {
      const seqs: number[] = [];
      while (writing || seqs.length < 30) {
        seqs.push(await patchPet(pets[counter % pets.length]!.id, `storm-${counter++}`));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return seqs;
    })();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Drop every client's socket at once; each reconnects with backoff and resumes.
    for (const client of clients) (client as unknown as { socket: { close(): void } }).socket.close();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    writing = false;
    const written = await writer;
    const last = written.at(-1) as number;
    await until(() => streams.every((stream) => stream.at(-1) === last), 30_000);
    expect(written.length).toBeGreaterThan(20);
    for (const stream of streams) expect(stream).toEqual(written);
    for (const client of clients) client.close();
  });

  it('resyncs when the event log it resumes from was replaced (a new epoch), then goes on live', async () => {
    const pet = await createPet(t);
    const client = new PetstoreClient({
      url,
      token: admin,
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    const resyncs: number[] = [];
    client.on('resync', (seq) => resyncs.push(seq as number));
    const received: number[] = [];
    await client.connect();
    await client.subscribe(['pets'], (event) => received.push(event.seq));
    const first = await patchPet(pet.id, 'old-log');
    await until(() => received.includes(first));
    const oldEpoch = client.epoch;
    expect(oldEpoch).toEqual(expect.any(String));

    // As after restoring a backup: the log gets a new name, and the node starts on it.
    const renewed = await t.app.services.feed.renewEpoch(t.app.database.db);
    await t.restart();
    await until(() => resyncs.length === 1 && client.state === 'open');
    expect(client.epoch).toBe(renewed);
    const next = await patchPet(pet.id, 'new-log');
    await until(() => received.includes(next));
    expect(received).toEqual([first, next]);
    client.close();
  });

  it('resyncs a topic added below what the connection was already sent, and delivers it live from there', async () => {
    const pet = await createPet(t);
    const client = new PetstoreClient({ url, token: admin });
    const resyncs: number[] = [];
    client.on('resync', (seq) => resyncs.push(seq as number));
    const pets: number[] = [];
    const inventory: number[] = [];
    await client.connect();
    await client.subscribe(['pets'], (event) => pets.push(event.seq));
    const snapshot = await t.app.services.feed.currentSeq(t.app.database.db);
    const sent = await patchPet(pet.id, 'moves-the-cursor');
    await until(() => pets.includes(sent));

    const answer = await client.subscribe(['inventory'], (event) => inventory.push(event.seq), {
      since: snapshot,
    });
    expect(resyncs).toEqual([answer.seq]);
    expect(client.state).toBe('open');
    const sold = Number(
      (
        await t.call({
          method: 'PATCH',
          url: `/api/v1/pets/${pet.id}`,
          token: admin,
          body: { status: 'sold' },
        })
      ).headers['x-event-seq'],
    );
    await until(() => inventory.includes(sold));
    expect(inventory).toEqual([sold]);
    client.close();
  });

  it('picks private topics up again after its session expires, from where they were dropped', async () => {
    const short = await startTestApp({ JWT_EXPIRES_IN: '2s' });
    try {
      const wsUrl = (await short.listen()).ws;
      const customer = await short.customer('rejoin');
      const client = new PetstoreClient({
        url: wsUrl,
        token: () => short.login(customer.username, 'customer-password-1'),
      });
      const expired: unknown[] = [];
      const resyncs: unknown[] = [];
      client.on('session.expired', (payload) => expired.push(payload));
      client.on('resync', (seq) => resyncs.push(seq));
      const orders: string[] = [];
      await client.connect();
      await client.subscribe(['orders'], (event) => orders.push(event.event));
      await until(() => expired.length === 1, 5000);
      // Re-authenticated with a fresh token, the client subscribes `orders` again: an order placed now reaches it.
      const subscribes = async () => {
        const metrics = (await short.call({ method: 'GET', url: '/metrics' })).body;
        const line = metrics
          .split('\n')
          .find((entry) =>
            /^ws_messages_total\{.*direction="out".*action="subscribe".*status="success"/.test(entry),
          );
        return Number(line?.split(' ').pop() ?? 0);
      };
      await until(async () => (await subscribes()) === 2, 5000, 'the rejoin');
      const pet = await createPet(short);
      const token = await short.login(customer.username, 'customer-password-1');
      const placed = await short.call({
        method: 'POST',
        url: '/api/v1/store/order',
        token,
        body: { petId: pet.id },
      });
      expect(placed.statusCode).toBe(201);
      await until(() => orders.includes('order.placed'), 5000);
      expect(resyncs).toEqual([]);
      client.close();
    } finally {
      await short.close();
    }
  });

  it('answers in-flight requests before closing sockets with 1001 on shutdown', async () => {
    const closing = await startTestApp({ WS_REQUEST_TIMEOUT_MS: '5000' });
    const wsUrl = (await closing.listen()).ws;
    const socket = await RawSocket.open(wsUrl);
    const real = closing.app.services.catalog.inventory.bind(closing.app.services.catalog);
    closing.app.services.catalog.inventory = () =>
      new Promise((resolve) => setTimeout(() => resolve(real()), 500));
    const answer = socket.request('store.inventory');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await closing.close();
    expect((await answer).status).toBe('success');
    expect((await socket.closed).code).toBe(1001);
  });

  // Regression: shutdown waited for every client to answer its close frame, up to ws's 30 s close timeout, past
  // SHUTDOWN_TIMEOUT_MS; a browser that was slow to answer held a restart for the whole of it.
  it('cuts off a client that never answers the close frame, instead of waiting on it', async () => {
    const closing = await startTestApp();
    const silent = await RawSocket.open((await closing.listen()).ws);
    const wire = (silent.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    wire.pause(); // reads nothing, so it never answers, until the server has closed
    const started = Date.now();
    await closing.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    wire.resume();
    // Cut off: the server's close frame was sent, but the connection ended without the handshake.
    expect(await silent.closed).toMatchObject({ code: 1001 });
  });
});
