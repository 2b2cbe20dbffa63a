// A load-generating process holding `count` subscribers of one kind (ours, ws, socketio) to the pets topic.
// It records commit-to-receive latency for every notification, and, for ours, the seqs each socket received
// (so a reconnect storm can be checked for completeness). The parent drives it over IPC.
import WebSocket from 'ws';
import { io } from 'socket.io-client';

const { kind, url, count } = JSON.parse(process.argv[2]);
const latencies = [];
let received = 0;
const sockets = [];

function onText(text, state) {
  if (kind === 'ours') {
    if (!text.startsWith('{"type":"notification"') || !text.includes('"event":"pet.')) return;
    const committed = /"updatedAt":"([^"]+)"/.exec(text);
    const seq = Number(/"seq":(\d+)/.exec(text)?.[1]);
    if (seq) {
      state.seqs.add(seq);
      state.lastSeq = Math.max(state.lastSeq, seq);
    }
    if (committed) latencies.push(Date.now() - Date.parse(committed[1]));
  } else {
    latencies.push(Date.now() - Number(/"t":(\d+)/.exec(text)[1]));
  }
  received += 1;
}

function connectOurs(state, since) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url}/ws`);
    state.socket = socket;
    socket.on('message', (data) => {
      const text = data.toString();
      if (text.includes('"event":"connect"')) {
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
      } else if (text.includes('"correlationId":"s"') && text.includes('"type":"response"')) {
        if (text.includes('"status":"success"')) resolve();
        else reject(new Error(text));
      } else onText(text, state);
    });
    socket.on('error', reject);
  });
}

function connectWs(state) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url}/ws`);
    state.socket = socket;
    socket.on('open', resolve);
    socket.on('message', (data) => onText(data.toString(), state));
    socket.on('error', reject);
  });
}

function connectSocketIo(state) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    state.socket = socket;
    socket.on('connect', () => setTimeout(resolve, 0));
    socket.on('notification', (message) => {
      latencies.push(Date.now() - message.t);
      received += 1;
    });
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
