// What users pick by default, with the settings its performance guide recommends for this case: Socket.IO over
// WebSocket only, no compression, broadcasting to a room (it encodes and frames a broadcast once for all the
// room's sockets). POST /publish {name} emits one notification to `pets`.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { publishHandler, sampleNotification } from './sample-pet.mjs';

let seq = 0;
const server = createServer(
  publishHandler((name) => {
    seq += 1;
    io.to('pets').emit('notification', sampleNotification(seq, name));
  }),
);
const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false });
io.on('connection', (socket) => socket.join('pets'));
server.listen(Number(process.env.PORT), '127.0.0.1');
// Stops at once on SIGTERM, so that a profiled run (--cpu-prof) writes its profile.
process.on('SIGTERM', () => process.exit(0));
