// A load-generating process holding `count` subscribers of one kind (ours, ws, socketio) to the pets topic.
// Every kind does the same work per message: parse the JSON, check it is a `pets` notification, read the send
// time the publisher put in the pet's name (microseconds on the machine's monotonic clock, which every process
// shares) and note its seq. For ours and raw ws that parse is JSON.parse here; Socket.IO's client parses the
// same JSON itself before it hands the message over. The parent drives the process over IPC.
import WebSocket from 'ws';
import { io } from 'socket.io-client';
import { SENT_AT_PREFIX, nowMicros } from '../lib/sent-at.mjs';

const { kind, url, count } = JSON.parse(process.argv[2]);
const latencies = [];
let received = 0;
const sockets = [];

function onNotification(message, state) {
  if (message.type !== 'notification' || message.topic !== 'pets') return;
  latencies.push((nowMicros() - Number(message.payload.name.slice(SENT_AT_PREFIX.length))) / 1000);
  state.seqs.add(message.seq);
  if (message.seq > state.lastSeq) state.lastSeq = message.seq;
  received += 1;
}

function connectOurs(state, since) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url}/ws`);
    state.socket = socket;
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === 'notification' && message.event === 'connect') {
        const payload = { topics: ['pets'], ...(since !== undefined ? { since } : {}) };
        socket.send(
          JSON.stringify({
            type: 'request',
            correlationId: 's',
            timestamp: Date.now(),
            action: 'subscribe',
            payload,
          }),
        );
      } else if (message.type === 'response' && message.correlationId === 's') {
        if (message.status === 'success') resolve();
        else reject(new Error(JSON.stringify(message)));
      } else onNotification(message, state);
    });
    socket.on('error', reject);
  });
}

function connectWs(state) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url}/ws`);
    state.socket = socket;
    socket.on('open', resolve);
    socket.on('message', (data) => onNotification(JSON.parse(data.toString()), state));
    socket.on('error', reject);
  });
}

function connectSocketIo(state) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    state.socket = socket;
    socket.on('connect', () => setTimeout(resolve, 0));
    socket.on('notification', (message) => onNotification(message, state));
    socket.on('connect_error', reject);
  });
}

const connect = { ours: connectOurs, ws: connectWs, socketio: connectSocketIo }[kind];

async function connectAll(states, since) {
  for (let start = 0; start < states.length; start += 250) {
    await Promise.all(states.slice(start, start + 250).map((state) => connect(state, since?.(state))));
  }
}

for (let index = 0; index < count; index += 1)
  sockets.push({ seqs: new Set(), lastSeq: 0, socket: undefined });
await connectAll(sockets);
process.send({ type: 'ready' });

process.on('message', async (message) => {
  if (message.cmd === 'reset') {
    latencies.length = 0;
    received = 0;
    for (const state of sockets) state.seqs.clear();
    process.send({ type: 'reset' });
  } else if (message.cmd === 'count') {
    process.send({ type: 'count', received });
  } else if (message.cmd === 'report') {
    let have = 0;
    for (const state of sockets) for (const seq of message.expected ?? []) if (state.seqs.has(seq)) have += 1;
    process.send({ type: 'report', received, latencies, have });
  } else if (message.cmd === 'drop') {
    // Every socket drops at once and comes back with `since` = the last seq it saw.
    const started = Date.now();
    for (const state of sockets) state.socket.terminate();
    await connectAll(sockets, (state) => state.lastSeq);
    process.send({ type: 'resumed', ms: Date.now() - started });
  } else if (message.cmd === 'close') {
    for (const state of sockets) {
      if (kind === 'socketio') state.socket.disconnect();
      else state.socket.terminate();
    }
    process.exit(0);
  }
});
