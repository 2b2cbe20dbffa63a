import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/free-port.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { startServer, waitFor } from '../helpers/server-process.js';
import { startSlowSignIn } from '../helpers/slow-request.js';
import { until } from '../helpers/until.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'petstore-process-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

describe('the server process', () => {
  it('starts on an empty SQLite directory with demo pets, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const server = startServer({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir });
    try {
      const health = await waitFor(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const pets = await (await fetch(`http://127.0.0.1:${port}/api/v1/pets`)).json();
      expect(pets.items.length).toBeGreaterThanOrEqual(5);
      expect(server.output()).toContain('JWT_SECRET is not set');
      expect((await fetch(`http://127.0.0.1:${port}/documentation/json`)).status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
  });

  it('sends to more webhooks at once than an AbortSignal warns about, with no warning', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/api/v1`;
    const receiver = new WebhookReceiver();
    receiver.delayMs = 300;
    const url = await receiver.start();
    const server = startServer({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'admin-password-1',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_POLL_INTERVAL_MS: '50',
    });
    try {
      await waitFor(`http://127.0.0.1:${port}/ready`);
      const call = async (path: string, body: unknown, token?: string) =>
        fetch(`${base}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
        });
      const login = await call('/auth/login', { username: 'admin', password: 'admin-password-1' });
      const { token } = (await login.json()) as { token: string };
      for (let index = 0; index < 12; index += 1) {
        expect((await call('/webhooks', { url, topics: ['pets'] }, token)).status).toBe(201);
      }
      expect((await call('/pets', { name: 'Watched' }, token)).status).toBe(201);
      await until(() => receiver.requests.length >= 12, 5000, 'a request to each webhook, all in flight');
      await new Promise((resolve) => setTimeout(resolve, 200)); // a warning is printed on a later tick
      expect(server.output()).not.toContain('MaxListenersExceededWarning');
    } finally {
      server.child.kill('SIGTERM');
      await receiver.close();
    }
    expect(await server.exited).toBe(0);
  });

  it('on a first run with no admin configured, creates one and prints its password once, which signs in as admin', async () => {
    const port = await freePort();
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO_DATA: 'false' };
    const first = startServer(env);
    let password: string;
    try {
      await waitFor(`http://127.0.0.1:${port}/ready`);
      const printed = /username: (\S+)\n\s+password: (\S+)\n/.exec(first.output());
      expect(printed?.[1]).toBe('admin');
      password = printed?.[2] as string;
      expect(first.output()).toContain(`http://127.0.0.1:${port}/documentation`);
      // The password is printed beside the log, never in a log line.
      const logLines = first
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'));
      expect(logLines.some((line) => line.includes(password))).toBe(false);
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login.status).toBe(200);
      const { token } = (await login.json()) as { token: string };
      const created = await fetch(`http://127.0.0.1:${port}/api/v1/pets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ name: 'First' }),
      });
      expect(created.status).toBe(201);
    } finally {
      first.child.kill('SIGTERM');
    }
    expect(await first.exited).toBe(0);

    // The store has its admin now: a restart prints no password.
    const second = startServer(env);
    try {
      await waitFor(`http://127.0.0.1:${port}/ready`);
      expect(second.output()).not.toContain('password:');
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).toBe(0);
  });

  it('in production with no admin configured, creates none and says so', async () => {
    const port = await freePort();
    const server = startServer({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-0123456789abcdef0123',
    });
    try {
      await waitFor(`http://127.0.0.1:${port}/ready`);
      expect(server.output()).not.toContain('password:');
      expect(server.output()).toContain('no admin account was created');
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
  });

  it('does not seed when SEED_DEMO_DATA=false', async () => {
    const port = await freePort();
    const server = startServer({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SEED_DEMO_DATA: 'false',
    });
    try {
      await waitFor(`http://127.0.0.1:${port}/health`);
      const pets = await (await fetch(`http://127.0.0.1:${port}/api/v1/pets`)).json();
      expect(pets.items).toEqual([]);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
  });

  it('on SIGTERM finishes the request in flight, closes sockets with 1001, and exits 0 in time', async () => {
    const port = await freePort();
    const admin = { username: 'admin', password: 'admin-password-1' };
    const server = startServer({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_USERNAME: admin.username,
      ADMIN_PASSWORD: admin.password,
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
    await waitFor(`http://127.0.0.1:${port}/ready`);
    const sockets = await Promise.all([1, 2].map(() => RawSocket.open(`ws://127.0.0.1:${port}/ws`)));
    await sockets[0]?.request('subscribe', { topics: ['pets'] });

    // A sign-in whose body is still arriving when the signal comes, on a keep-alive connection.
    const slow = startSlowSignIn(port, admin);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const signalled = Date.now();
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const answer = await slow.finish();
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toContain('"token"');
    // Answered with `Connection: close`: an idle keep-alive connection would hold the server open past the timeout.
    expect(answer).toMatch(/connection: close/i);
    for (const socket of sockets) expect((await socket.closed).code).toBe(1001);
    expect(await server.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(5000);
    expect(server.output()).toContain('"signal":"SIGTERM"');
  });

  it('renews the epoch of the event log with npm run events:renew-epoch, and the server then announces it', async () => {
    const renew = async () => {
      const cli = spawn(process.execPath, ['--import', 'tsx', 'src/cli/renew-epoch.ts'], {
        env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, SEED_DEMO_DATA: 'false' },
      });
      let output = '';
      cli.stdout.on('data', (chunk) => (output += chunk));
      cli.stderr.on('data', (chunk) => (output += chunk));
      const code = await new Promise((resolve) => cli.on('exit', resolve));
      expect(code).toBe(0);
      return /epoch ([0-9a-f]{16})/.exec(output)?.[1];
    };
    const first = await renew();
    const second = await renew();
    expect(first).toEqual(expect.any(String));
    expect(second).not.toBe(first);

    const port = await freePort();
    const server = startServer({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir });
    try {
      await waitFor(`http://127.0.0.1:${port}/ready`);
      const socket = await RawSocket.open(`ws://127.0.0.1:${port}/ws`);
      expect(socket.frames[0]?.payload).toMatchObject({ epoch: second });
      socket.close();
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET is required when NODE_ENV=production'],
    [{ DATABASE_URL: 'mysql://nowhere/db' }, 'DATABASE_URL'],
  ])('refuses to start with %j, exiting 1 and naming the variable', async (env, expected) => {
    const server = startServer({ DATA_DIR: dataDir, ...env });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain(expected);
  });
});
