// Subscriber load split over client processes (bench/clients/subscribers.mjs), driven over IPC.
import { fork } from 'node:child_process';
import { cpuSeconds } from './processes.mjs';

const CLIENT = new URL('../clients/subscribers.mjs', import.meta.url).pathname;

function ask(child, cmd, reply, extra = {}) {
  return new Promise((resolve) => {
    const onMessage = (message) => {
      if (message.type !== reply) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send({ cmd, ...extra });
  });
}

/** `count` subscribers of `kind` on `url`, in `processes` client processes; resolves once all subscribed. */
export async function startSubscribers(kind, url, count, processes = 2) {
  const share = Math.ceil(count / processes);
  const children = [];
  for (let index = 0; index < processes; index += 1) {
    const size = Math.min(share, count - index * share);
    if (size <= 0) break;
    const child = fork(CLIENT, [JSON.stringify({ kind, url, count: size })], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    children.push(child);
  }
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('message', resolve))));
  return {
    count,
    /** CPU seconds the client processes have used, for the machine-load record. */
    cpu: () => children.reduce((total, child) => total + cpuSeconds(child.pid), 0),
    reset: () => Promise.all(children.map((child) => ask(child, 'reset', 'reset'))),
    async received() {
      const counts = await Promise.all(children.map((child) => ask(child, 'count', 'count')));
      return counts.reduce((sum, count) => sum + count.received, 0);
    },
    async report(expected) {
      const reports = await Promise.all(
        children.map((child) => ask(child, 'report', 'report', { expected })),
      );
      return {
        received: reports.reduce((sum, report) => sum + report.received, 0),
        latencies: reports.flatMap((report) => report.latencies),
        have: reports.reduce((sum, report) => sum + report.have, 0),
      };
    },
    async drop() {
      const answers = await Promise.all(children.map((child) => ask(child, 'drop', 'resumed')));
      return Math.max(...answers.map((answer) => answer.ms));
    },
    close: () =>
      Promise.all(
        children.map(
          (child) =>
            new Promise((resolve) => {
              child.once('exit', resolve);
              child.send({ cmd: 'close' });
            }),
        ),
      ),
  };
}

/** Waits until the subscribers together received `total` messages, or the timeout; returns when (ms epoch). */
export async function waitForDeliveries(subscribers, total, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while ((await subscribers.received()) < total && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now();
}
