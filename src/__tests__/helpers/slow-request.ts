import { connect } from 'node:net';

/**
 * A sign-in sent over a raw connection with only the first bytes of its body, so that it is still in flight
 * while the test does something to the server; `finish` sends the rest (and anything to pipeline after it).
 */
export function startSlowSignIn(port: number, credentials: { username: string; password: string }) {
  const body = JSON.stringify(credentials);
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk));
  const closed = new Promise((resolve) => socket.on('close', resolve));
  socket.write(
    `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 5)}`,
  );
  return {
    /** Sends the rest of the body, then `pipelined` (raw HTTP); resolves with all the connection received. */
    finish: async (pipelined = '') => {
      socket.write(`${body.slice(5)}${pipelined}`);
      await closed;
      return received;
    },
  };
}
