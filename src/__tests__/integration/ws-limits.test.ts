import type { IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { RawSocket } from '../helpers/raw-socket.js';
import { until } from '../helpers/until.js';
import { createPet, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let url: string;

/** A full garbage collection, without --expose-gc on the test runner. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

beforeAll(async () => {
  t = await startTestApp({
    WS_ALLOWED_ORIGINS: 'https://board.example',
    WS_PING_INTERVAL_MS: '200',
  });
  url = (await t.listen()).ws;
});
afterAll(() => t.close());

describe('WebSocket limits', () => {
  it('refuses the 11th connection from one address at the upgrade, and accepts again once one closes', async () => {
    const sockets = await Promise.all(Array.from({ length: 10 }, () => RawSocket.open(url)));
    await expect(RawSocket.open(url)).rejects.toMatchObject({ statusCode: 429 });
    sockets[0]!.close();
    await sockets[0]!.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await RawSocket.open(url);
    again.close();
    for (const socket of sockets) socket.close();
    await Promise.all(sockets.map((socket) => socket.closed));
  });

  it('answers the 21st message of a burst with RATE_LIMITED, and closes persistent abuse with 1008', async () => {
    const socket = await RawSocket.open(url);
    const answers = await Promise.all(Array.from({ length: 21 }, () => socket.request('ping')));
    expect(answers.filter((answer) => answer.status === 'success')).toHaveLength(20);
    expect(answers.filter((answer) => answer.status === 'error').map((answer) => answer.payload)).toEqual([
      expect.objectContaining({ code: 'RATE_LIMITED', statusCode: 429 }),
    ]);
    for (let index = 0; index < 60; index += 1)
      socket.send({ type: 'request', correlationId: `a${index}`, timestamp: 0, action: 'ping' });
    expect((await socket.closed).code).toBe(1008);
  });

  it('refills the message bucket at 100 a minute: one more message 600 ms after the burst is spent', async () => {
    const socket = await RawSocket.open(url);
    const burst = await Promise.all(Array.from({ length: 21 }, () => socket.request('ping')));
    expect(burst.map((answer) => answer.status)).toEqual([...Array(20).fill('success'), 'error']);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const [refilled, tooSoon] = await Promise.all([socket.request('ping'), socket.request('ping')]);
    expect(refilled.status).toBe('success');
    expect(tooSoon.payload).toMatchObject({ code: 'RATE_LIMITED' });
    socket.close();
  });

  it('closes a connection that sends a frame over 64 KiB with 1009', async () => {
    const socket = await RawSocket.open(url);
    socket.send({
      type: 'request',
      correlationId: 'big',
      timestamp: 0,
      action: 'ping',
      payload: { pad: 'x'.repeat(65 * 1024) },
    });
    expect((await socket.closed).code).toBe(1009);
  });

  it('keeps nothing of the upgrade request alive while a connection stays open', async () => {
    const requests: Array<WeakRef<IncomingMessage>> = [];
    const track = (_socket: unknown, request: IncomingMessage) => requests.push(new WeakRef(request));
    t.app.websocketServer.on('connection', track);
    const sockets = await Promise.all(Array.from({ length: 5 }, () => RawSocket.open(url)));
    t.app.websocketServer.off('connection', track);
    expect(requests).toHaveLength(5);
    await until(
      () => {
        collectGarbage();
        return requests.every((request) => request.deref() === undefined);
      },
      5000,
      'the upgrade requests to be collected',
    );
    for (const socket of sockets) expect(await socket.request('ping')).toMatchObject({ status: 'success' });
    for (const socket of sockets) socket.close();
  });

  it('refuses an origin outside WS_ALLOWED_ORIGINS, and accepts allowed ones and clients without Origin', async () => {
    await expect(RawSocket.open(url, { origin: 'https://evil.example' })).rejects.toMatchObject({
      statusCode: 403,
    });
    (await RawSocket.open(url, { origin: 'https://board.example' })).close();
    (await RawSocket.open(url)).close();
  });

  it('drops a peer that stops answering pings', async () => {
    const silent = new WebSocket(url, { autoPong: false });
    const closed = new Promise<number>((resolve) => silent.on('close', (code) => resolve(code)));
    const alive = await RawSocket.open(url);
    expect(await closed).toBe(1006);
    expect((await alive.request('ping')).status).toBe('success');
    alive.close();
  });

  it('tells a subscriber that never reads that it lagged, closes it with 1013, and keeps memory bounded', async () => {
    const t = await startTestApp({ WS_MAX_QUEUED_MESSAGES: '50' });
    const url = (await t.listen()).ws;
    const token = await t.adminToken();
    const reader = await RawSocket.open(url);
    await reader.request('subscribe', { topics: ['pets'] });
    const stalled = await RawSocket.open(url);
    await stalled.request('subscribe', { topics: ['pets'] });
    const raw = (stalled.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    raw.pause();

    const pet = await createPet(t, { name: 'x'.repeat(90) });
    const big = {
      photoUrls: Array.from({ length: 20 }, (_, i) => `https://example.com/${'p'.repeat(1800)}/${i}`),
    };
    let lastSeq = 0;
    let deepestQueue = 0;
    for (let index = 0; index < 300; index += 1) {
      const response = await t.call({
        method: 'PATCH',
        url: `/api/v1/pets/${pet.id}`,
        token,
        body: { ...big, name: `n${index}` },
      });
      lastSeq = Number(response.headers['x-event-seq']);
      deepestQueue = Math.max(deepestQueue, t.app.realtime.queuedNotifications);
    }
    await reader.waitForSeq(lastSeq, 20_000);
    expect(t.app.realtime.connectionCount).toBeLessThanOrEqual(2);
    // The server never held more than the queue limit (plus a little for the reader) for anyone.
    expect(deepestQueue).toBeLessThanOrEqual(50 + 10);

    raw.resume();
    const closed = await stalled.closed;
    expect(closed.code).toBe(1013);
    const lagged = stalled.frames.find((frame) => frame.event === 'lagged');
    expect(lagged?.payload).toEqual({ resumeFrom: expect.any(Number) });
    const received = stalled.events().map((event) => event.seq);
    const resumeFrom = (lagged!.payload as { resumeFrom: number }).resumeFrom;
    expect(received.at(-1)).toBeLessThanOrEqual(resumeFrom);
    expect(resumeFrom).toBeLessThan(lastSeq);
    // Resuming from there with since loses nothing.
    const resumed = await RawSocket.open(url);
    await resumed.request('subscribe', { topics: ['pets'], since: received.at(-1) as number });
    await resumed.waitForSeq(lastSeq);
    const all = [...received, ...resumed.events().map((event) => event.seq)];
    expect(all).toEqual(reader.events().map((event) => event.seq));
    reader.close();
    resumed.close();
    await t.close();
  });
});
