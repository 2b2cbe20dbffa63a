import { Writable } from 'node:stream';
import { RawSocket } from '../helpers/raw-socket.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let lines: Array<Record<string, unknown>>;
let t: TestApp;

beforeAll(async () => {
  lines = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  t = await startTestApp({ LOG_LEVEL: 'info' }, { logStream });
});
afterAll(() => t.close());

describe('log lines', () => {
  it('writes one JSON line per request with its id, route, status, duration and user id', async () => {
    const customer = await t.customer();
    const response = await t.call({
      method: 'GET',
      url: '/api/v1/users/me',
      token: customer.token,
      headers: { 'x-request-id': 'trace-me-42' },
    });
    expect(response.statusCode).toBe(200);
    const line = lines.find((entry) => entry.reqId === 'trace-me-42');
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      route: '/api/v1/users/me',
      statusCode: 200,
      userId: customer.userId,
      req: { method: 'GET', url: '/api/v1/users/me' },
    });
    expect(line?.durationMs).toEqual(expect.any(Number));
    expect(lines.filter((entry) => entry.reqId === 'trace-me-42')).toHaveLength(1);

    await t.call({ method: 'GET', url: '/api/v1/pets/4242', headers: { 'x-request-id': 'anonymous-404' } });
    const completed = lines.find(
      (entry) => entry.reqId === 'anonymous-404' && entry.msg === 'request completed',
    );
    expect(completed).toMatchObject({
      route: '/api/v1/pets/:id',
      statusCode: 404,
      userId: null,
    });
  });

  it('gives WebSocket lines the client id and the correlation id', async () => {
    const socket = await RawSocket.open((await t.listen()).ws);
    const clientId = (socket.frames[0]?.payload as { clientId: string }).clientId;
    const correlationId = ((await socket.request('ping')).correlationId as string) ?? '';
    socket.close();
    await socket.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(
      lines.find((entry) => entry.msg === 'websocket request' && entry.clientId === clientId),
    ).toMatchObject({ correlationId, action: 'ping', status: 'success', durationMs: expect.any(Number) });
    expect(
      lines.find((entry) => entry.msg === 'websocket connected' && entry.clientId === clientId),
    ).toBeDefined();
    expect(
      lines.find((entry) => entry.msg === 'websocket closed' && entry.clientId === clientId),
    ).toMatchObject({
      code: 1005,
    });
  });
});
