import { connect, type Socket } from 'node:net';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const MIB = 1024 * 1024;
/** A JSON body of about `bytes`, over the 1 MiB default limit. */
const hugePet = (bytes: number) => JSON.stringify({ name: 'Rex', photoUrls: ['x'.repeat(bytes)] });

let t: TestApp;
let base: { http: string; port: number };

beforeAll(async () => {
  t = await startTestApp();
  base = await t.listen();
});
afterAll(() => t.close());

/** A raw connection that collects what it receives and says when it closed. */
function rawConnection(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const until = async (text: string, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!received.includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return received;
  };
  return { socket, closed, until, received: () => received };
}

describe('a body over the limit', () => {
  it.each([
    ['an admin', true],
    ['anyone', false],
  ])(
    'is a 413 for every one of 20 uploads of 5 MiB with fetch, ten at a time, as %s, never a reset connection',
    async (_who, signedIn) => {
      const token = signedIn ? await t.adminToken() : undefined;
      const before = (await t.call({ method: 'GET', url: '/api/v1/store/inventory' })).json();
      const body = hugePet(5 * MIB);
      // Ten at a time, so that some are still sending while others are answered.
      const upload = async () => {
        const response = await fetch(`${base.http}/api/v1/pets`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body,
        });
        return { status: response.status, body: await response.json() };
      };
      for (let batch = 0; batch < 2; batch += 1) {
        for (const answer of await Promise.all(Array.from({ length: 10 }, upload))) {
          expect(answer).toMatchObject({ status: 413, body: { statusCode: 413, code: 'PAYLOAD_TOO_LARGE' } });
        }
      }
      expect((await t.call({ method: 'GET', url: '/api/v1/store/inventory' })).json()).toEqual(before);
    },
  );

  it('is answered at once, and the connection, once the rest is read, serves the next request', async () => {
    const connection = rawConnection(base.port);
    const length = 3 * MIB;
    connection.socket.write(
      `POST /api/v1/pets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`,
    );
    connection.socket.write('{"name":"');
    // The 413 comes before the body has been sent.
    expect(await connection.until('\r\n\r\n')).toMatch(/^HTTP\/1\.1 413 /);
    expect(connection.received()).not.toMatch(/connection: close/i);
    connection.socket.write('a'.repeat(length - 9));
    connection.socket.write('GET /api/v1/pets HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await connection.until('HTTP/1.1 200 ')).toContain('"items"');
    connection.socket.destroy();
  });

  it('sent in chunks without a length is a 413 too, and the connection serves the next request', async () => {
    const connection = rawConnection(base.port);
    connection.socket.write(
      'POST /api/v1/pets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const chunk = 'a'.repeat(256 * 1024);
    for (let sent = 0; sent < 2 * MIB; sent += chunk.length) {
      connection.socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    }
    expect(await connection.until('\r\n\r\n')).toMatch(/^HTTP\/1\.1 413 /);
    connection.socket.write('0\r\n\r\nGET /api/v1/pets HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await connection.until('HTTP/1.1 200 ')).toContain('"items"');
    connection.socket.destroy();
  });

  it('is read only up to a bound: a client that goes on sending past it is cut off', async () => {
    const connection = rawConnection(base.port);
    connection.socket.write(
      `POST /api/v1/pets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${1024 * MIB}\r\n\r\n`,
    );
    expect(await connection.until('\r\n\r\n')).toMatch(/^HTTP\/1\.1 413 /);
    const block = Buffer.alloc(MIB, 'a');
    let cut = false;
    void connection.closed.then(() => (cut = true));
    for (let sent = 0; sent < 200 && !cut; sent += 1) {
      if (!connection.socket.write(block)) {
        await new Promise<void>((resolve) => {
          connection.socket.once('drain', resolve);
          connection.socket.once('close', resolve);
        });
      }
    }
    await connection.closed;
    expect(cut).toBe(true);
  });
});
