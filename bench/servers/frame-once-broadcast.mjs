// The best raw `ws` can do for fan-out: each notification serialized once, framed once (ws's Sender.frame, the
// broadcast case it exists for), and the same bytes written to every socket's TCP connection, as the service does.
import { Sender, WebSocket, WebSocketServer } from 'ws';
import { sampleNotification } from './sample-pet.mjs';

const FRAME = { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false };

/** Accepts WebSockets on `/ws` of an HTTP server; returns `broadcast(name)`, which sends one notification to all. */
export function frameOnceBroadcast(server) {
  /** Every open socket with the TCP connection under it. */
  const subscribers = new Map();
  const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false });
  wss.on('connection', (socket, request) => {
    subscribers.set(socket, request.socket);
    socket.on('close', () => subscribers.delete(socket));
  });
  let seq = 0;
  return (name) => {
    seq += 1;
    const payload = Buffer.from(JSON.stringify(sampleNotification(seq, name)));
    const frame = Buffer.concat(Sender.frame(payload, FRAME));
    for (const [socket, wire] of subscribers) if (socket.readyState === WebSocket.OPEN) wire.write(frame);
  };
}
