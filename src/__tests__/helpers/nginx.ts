import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './free-port.js';

const SHIPPED_CONFIG = 'deploy/nginx/nginx.conf';

/**
 * nginx from Debian running the repository's own deploy/nginx/nginx.conf, with only the upstream servers
 * and the listening port swapped for the test's.
 */
export class TestNginx {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  static async start(nodePorts: number[]): Promise<TestNginx> {
    const shipped = await readFile(SHIPPED_CONFIG, 'utf8');
    const servers = /^(\s*)server node-1:3000 (.*);\n(?:\s*server node-\d+:3000 .*;\n)*/m;
    if (!servers.test(shipped) || !/listen 80;/.test(shipped)) {
      throw new Error(
        `${SHIPPED_CONFIG} no longer has the upstream servers or the listen line this test swaps`,
      );
    }
    const port = await freePort();
    const config = shipped
      .replace(servers, (_match, indent: string, parameters: string) =>
        nodePorts.map((nodePort) => `${indent}server 127.0.0.1:${nodePort} ${parameters};\n`).join(''),
      )
      .replace('listen 80;', `listen 127.0.0.1:${port};`)
      .replace('access_log /dev/stdout petstore;', 'access_log off;');
    const dir = await mkdtemp(join(tmpdir(), 'petstore-nginx-'));
    await writeFile(join(dir, 'nginx.conf'), config);
    const child = spawn(
      'nginx',
      [
        '-p',
        dir,
        '-c',
        join(dir, 'nginx.conf'),
        '-e',
        join(dir, 'error.log'),
        '-g',
        `daemon off; pid ${dir}/nginx.pid;`,
      ],
      { stdio: 'ignore' },
    );
    await waitForPort(port);
    return new TestNginx(port, child, dir);
  }

  get http(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get ws(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  errorLog(): Promise<string> {
    return readFile(join(this.dir, 'error.log'), 'utf8').catch(() => '');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
