// What users pick by default: Socket.IO broadcasting to a room. POST /publish emits one notification to `pets`.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { sampleNotification } from './sample-pet.mjs';

let seq = 0;
const server = createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/publish') return response.writeHead(404).end();
  seq += 1;
  io.to('pets').emit('notification', sampleNotification(seq));
  response.writeHead(204).end();
});
const io = new Server(server, { transports: ['websocket'] });
io.on('connection', (socket) => socket.join('pets'));
server.listen(Number(process.env.PORT), '127.0.0.1');
