// Child processes for the benchmarks: servers and load generators, each in its own process.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => resolve(socket.destroy() ?? true));
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** CPU seconds (user + system) a process has used, from /proc. */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const MEMORY_PROBE = new URL('../servers/memory-probe.mjs', import.meta.url).pathname;

/** A server process; `memory()` forces a GC in it and returns its RSS and heap (see servers/memory-probe.mjs). */
async function startProcess(name, args, env = {}, nodeOptions = []) {
  const dir = await mkdtemp(join(tmpdir(), `bench-${name}-`));
  const port = await freePort();
  const child = spawn(process.execPath, ['--expose-gc', '--import', MEMORY_PROBE, ...nodeOptions, ...args], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await waitForPort(port);
  return {
    name,
    port,
    pid: child.pid,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    cpu: () => cpuSeconds(child.pid),
    memory() {
      return new Promise((resolve) => {
        child.once('message', (message) => resolve(message.memory));
        child.send('memory');
      });
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const ROOT = new URL('../../', import.meta.url).pathname;

/** The service itself (dist/server.js), with limits opened up for load and request logging off. */
export function startOurs(env = {}, nodeOptions = []) {
  return startProcess(
    'ours',
    [join(ROOT, 'dist/server.js')],
    {
      NODE_ENV: 'production',
      JWT_SECRET: 'a-benchmark-secret-0123456789abcdef0123',
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'admin-password-1',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_MAX: '1000000000',
      SIGNUP_RATE_LIMIT_MAX: '1000000',
      WS_MAX_CONNECTIONS_PER_IP: '100000',
      WS_MESSAGES_PER_MINUTE: '100000',
      WS_MESSAGE_BURST: '10000',
      WS_MAX_QUEUED_MESSAGES: '100000',
      LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0',
      ...env,
    },
    nodeOptions,
  );
}

export function startBaseline(file, env = {}, nodeOptions = []) {
  return startProcess(file.replace(/\.mjs$/, ''), [join(ROOT, 'bench/servers', file)], env, nodeOptions);
}
