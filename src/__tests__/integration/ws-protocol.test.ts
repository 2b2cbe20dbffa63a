import { RawSocket } from '../helpers/raw-socket.js';
import { createPet, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let url: string;

beforeAll(async () => {
  t = await startTestApp({ NODE_ID: 'ws-node', WS_REQUEST_TIMEOUT_MS: '300' });
  url = (await t.listen()).ws;
});
afterAll(() => t.close());

describe('the WebSocket protocol', () => {
  it('greets with connect {clientId, node, epoch, seq} and answers ping with the same correlationId', async () => {
    await createPet(t, { name: 'Before' });
    const socket = await RawSocket.open(url);
    const connect = socket.frames[0]!;
    const { feed } = t.app.services;
    expect(connect).toMatchObject({
      type: 'notification',
      event: 'connect',
      payload: {
        clientId: expect.any(String),
        node: 'ws-node',
        epoch: await feed.epoch(t.app.database.db),
        seq: await feed.currentSeq(t.app.database.db),
      },
    });
    expect((connect.payload as { epoch: string }).epoch).toMatch(/^[0-9a-f]{16}$/);
    expect(connect.timestamp).toEqual(expect.any(Number));
    const pong = await socket.request('ping');
    expect(pong).toMatchObject({
      type: 'response',
      status: 'success',
      payload: { timestamp: expect.any(Number) },
    });
    socket.close();
  });

  it('answers frames that are not JSON or not requests with an error and keeps the connection', async () => {
    const socket = await RawSocket.open(url);
    socket.send('this is not json');
    const notJson = await socket.next((frame) => frame.type === 'response' && frame.correlationId === null);
    expect(notJson).toMatchObject({
      status: 'error',
      payload: { code: 'VALIDATION_ERROR', statusCode: 400 },
    });
    socket.send({ type: 'response', correlationId: 'x1', timestamp: 1 });
    const notRequest = await socket.next((frame) => frame.correlationId === 'x1');
    expect(notRequest).toMatchObject({
      status: 'error',
      payload: { code: 'VALIDATION_ERROR', details: expect.any(Array) },
    });
    socket.send({ type: 'request', correlationId: 'x2', action: 'ping' });
    expect(await socket.next((frame) => frame.correlationId === 'x2')).toMatchObject({
      payload: { code: 'VALIDATION_ERROR' },
    });
    socket.send([1, 2, 3]);
    socket.send('null');
    expect((await socket.request('ping')).status).toBe('success');
    socket.close();
  });

  it('answers an unknown action with UNKNOWN_ACTION and a bad payload with VALIDATION_ERROR details', async () => {
    const socket = await RawSocket.open(url);
    expect((await socket.request('pets.fly')).payload).toEqual({
      statusCode: 400,
      code: 'UNKNOWN_ACTION',
      error: 'Bad Request',
      message: 'Unknown action pets.fly',
    });
    expect((await socket.request('__proto__')).payload).toMatchObject({ code: 'UNKNOWN_ACTION' });
    const bad = await socket.request('pets.get', { id: -1 });
    expect(bad.payload).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: [{ path: 'id', message: expect.any(String) }],
    });
    const extra = await socket.request('ping', { unexpected: true });
    expect(extra.payload).toMatchObject({ code: 'VALIDATION_ERROR' });
    socket.close();
  });

  it('answers TIMEOUT when an action outlives WS_REQUEST_TIMEOUT_MS', async () => {
    const socket = await RawSocket.open(url);
    const real = t.app.services.catalog.inventory;
    // A slow database cannot be produced on demand; this stands in for one.
    t.app.services.catalog.inventory = () =>
      new Promise((resolve) => setTimeout(() => resolve(real.call(t.app.services.pets)), 1000));
    try {
      const answer = await socket.request('store.inventory');
      expect(answer).toMatchObject({ status: 'error', payload: { code: 'TIMEOUT' } });
    } finally {
      t.app.services.catalog.inventory = real;
    }
    expect((await socket.request('ping')).status).toBe('success');
    socket.close();
  });

  it('authenticates on the upgrade, or in-band with authenticate, and refuses a bad upgrade token with 401', async () => {
    const token = await t.adminToken();
    const upgraded = await RawSocket.open(url, { headers: { authorization: `Bearer ${token}` } });
    expect((await upgraded.request('users.me')).payload).toMatchObject({ username: 'admin' });
    upgraded.close();

    const anonymous = await RawSocket.open(url);
    expect((await anonymous.request('users.me')).payload).toMatchObject({
      code: 'UNAUTHENTICATED',
      statusCode: 401,
    });
    const bad = await anonymous.request('authenticate', { token: 'not-a-token' });
    expect(bad.payload).toEqual({
      statusCode: 401,
      code: 'TOKEN_INVALID',
      error: 'Unauthorized',
      message: 'The access token is not valid',
    });
    const good = await anonymous.request('authenticate', { token });
    expect(good.payload).toMatchObject({ username: 'admin', role: 'admin', expiresAt: expect.any(String) });
    expect((await anonymous.request('users.me')).payload).toMatchObject({ username: 'admin' });
    anonymous.close();

    await expect(RawSocket.open(url, { headers: { authorization: 'Bearer nope' } })).rejects.toMatchObject({
      statusCode: 401,
    });
  });

  it('serves the AsyncAPI 3 document generated from the protocol schemas', async () => {
    const response = await t.call({ method: 'GET', url: '/documentation/asyncapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.asyncapi).toBe('3.0.0');
    for (const name of [
      'authenticate',
      'ping',
      'subscribe',
      'pets.create',
      'orders.place',
      'pet.updated',
      'inventory.changed',
      'lagged',
      'session.expired',
    ]) {
      expect(Object.keys(document.channels.ws.messages)).toContain(name);
    }
    expect(document.channels.ws.messages['pets.get'].payload.properties.payload.properties.id.type).toBe(
      'integer',
    );
  });

  it('delivers a REST write to a subscriber', async () => {
    const socket = await RawSocket.open(url);
    const { payload } = await socket.request('subscribe', { topics: ['pets'] });
    expect(payload).toEqual({ topics: ['pets'], seq: expect.any(Number), epoch: expect.any(String) });
    const pet = await createPet(t, { name: 'Live' });
    const event = await socket.next((frame) => frame.event === 'pet.created');
    expect(event).toMatchObject({
      type: 'notification',
      topic: 'pets',
      payload: pet,
      seq: (payload as { seq: number }).seq + 1,
    });
    socket.close();
  });

  it('answers with the seq each answer reflects, and holds reads to a minSeq as REST holds X-Min-Event-Seq', async () => {
    const socket = await RawSocket.open(url);
    await socket.request('authenticate', { token: await t.adminToken() });
    const created = await socket.request('pets.create', { name: 'Seq' });
    expect(created.status).toBe('success');
    const seq = created.seq as number;
    const rest = await t.call({
      method: 'GET',
      url: `/api/v1/pets/${(created.payload as { id: number }).id}`,
    });
    expect(seq).toBe(Number(rest.headers['x-event-seq']));

    const read = await socket.request(
      'pets.get',
      { id: (created.payload as { id: number }).id },
      { minSeq: seq },
    );
    expect(read).toMatchObject({ status: 'success', payload: { name: 'Seq' } });
    expect(read.seq as number).toBeGreaterThanOrEqual(seq);
    for (const action of ['pets.list', 'store.inventory']) {
      expect((await socket.request(action, {}, { minSeq: seq })).seq as number).toBeGreaterThanOrEqual(seq);
    }

    const ahead = await socket.request('pets.list', {}, { minSeq: seq + 1000 });
    expect(ahead).toMatchObject({ status: 'error', payload: { statusCode: 400, code: 'SEQ_NOT_REACHED' } });
    for (const minSeq of [-1, 1.5, '3']) {
      const bad = await socket.request('pets.list', {}, { minSeq });
      expect(bad).toMatchObject({ status: 'error', payload: { code: 'VALIDATION_ERROR' } });
    }
    // A pet the store does not hold is absent as of a seq too, on both doors alike.
    const missing = await socket.request('pets.get', { id: 999_999 }, { minSeq: seq });
    expect(missing).toMatchObject({ status: 'error', payload: { code: 'PET_NOT_FOUND' } });
    expect(missing.seq as number).toBeGreaterThanOrEqual(seq);
    const missingOverRest = await t.call({ method: 'GET', url: '/api/v1/pets/999999' });
    expect(missingOverRest.statusCode).toBe(404);
    expect(Number(missingOverRest.headers['x-event-seq'])).toBe(missing.seq);
    // Answers that say nothing about the state carry no seq.
    expect((await socket.request('ping')).seq).toBeUndefined();
    const refused = await socket.request('pets.create', { name: '' });
    expect(refused).toMatchObject({ status: 'error', payload: { code: 'VALIDATION_ERROR' } });
    expect(refused.seq).toBeUndefined();
    socket.close();
  });
});
