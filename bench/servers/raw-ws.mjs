// The platform's limit for fan-out: raw `ws`, one pre-serialized frame written to every socket.
// POST /publish builds one notification (commit time in `t`) and broadcasts it.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { sampleNotification } from './sample-pet.mjs';

let seq = 0;
const server = createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/publish') return response.writeHead(404).end();
  seq += 1;
  const frame = JSON.stringify(sampleNotification(seq));
  for (const client of wss.clients) client.send(frame);
  response.writeHead(204).end();
});
const wss = new WebSocketServer({ server, path: '/ws' });
server.listen(Number(process.env.PORT), '127.0.0.1');
