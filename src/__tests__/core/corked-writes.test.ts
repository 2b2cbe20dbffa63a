import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { ClientConnection } from '../../realtime/client-connection.js';

/** A connected TCP pair on 127.0.0.1: the server side is the connection's wire. */
async function socketPair(): Promise<{ wire: Socket; peer: Socket; close: () => void }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const accepted = once(server, 'connection');
  const peer = connect(port, '127.0.0.1');
  const [wire] = (await accepted) as [Socket];
  return { wire, peer, close: () => (peer.destroy(), wire.destroy(), server.close()) };
}

describe('event frames written in one turn of the event loop', () => {
  it('sends the first at once and holds the rest for one write at the end of the turn, in order', async () => {
    const { wire, peer, close } = await socketPair();
    const socket = { readyState: WebSocket.OPEN } as unknown as WebSocket;
    const limits = { messagesPerMinute: 100, messageBurst: 20, maxQueuedMessages: 1000 };
    const connection = new ClientConnection('c', '127.0.0.1', socket, wire, limits, () => undefined);
    let received = '';
    peer.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));

    connection.sendEvent(Buffer.from('one;'), 1);
    expect(wire.writableCorked).toBe(0);
    expect(wire.writableLength).toBe(0);
    connection.sendEvent(Buffer.from('two;'), 2);
    connection.sendEvent(Buffer.from('three;'), 3);
    expect(wire.writableCorked).toBe(1);
    expect(wire.writableLength).toBe('two;three;'.length);

    await new Promise((resolve) => setImmediate(resolve));
    expect(wire.writableCorked).toBe(0);
    // A new turn: the first frame goes out at once again.
    connection.sendEvent(Buffer.from('four;'), 4);
    expect(wire.writableCorked).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toBe('one;two;three;four;');
    close();
  });
});
