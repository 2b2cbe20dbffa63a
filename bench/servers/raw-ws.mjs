// The platform's limit for fan-out, the best raw `ws` can do: each notification serialized once, framed once
// (ws's Sender.frame, the broadcast case it exists for), and the same bytes written to every socket's TCP
// connection, as the service does. POST /publish {name} broadcasts one notification.
import { createServer } from 'node:http';
import { Sender, WebSocket, WebSocketServer } from 'ws';
import { publishHandler, sampleNotification } from './sample-pet.mjs';

const FRAME = { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false };
/** Every open socket with the TCP connection under it. */
const subscribers = new Map();

let seq = 0;
const server = createServer(
  publishHandler((name) => {
    seq += 1;
    const payload = Buffer.from(JSON.stringify(sampleNotification(seq, name)));
    const frame = Buffer.concat(Sender.frame(payload, FRAME));
    for (const [socket, wire] of subscribers) if (socket.readyState === WebSocket.OPEN) wire.write(frame);
  }),
);
const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false });
wss.on('connection', (socket, request) => {
  subscribers.set(socket, request.socket);
  socket.on('close', () => subscribers.delete(socket));
});
server.listen(Number(process.env.PORT), '127.0.0.1');
// Stops at once on SIGTERM, so that a profiled run (--cpu-prof) writes its profile.
process.on('SIGTERM', () => process.exit(0));
