// Profile evidence for the report: our server under --cpu-prof while REST reads and a fan-out burst run.
// A separate pass after the measured ones, because the profiler slows what it watches.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pool } from '../lib/api.mjs';
import { summarizeProfile } from '../lib/profile.mjs';
import { startSubscribers, waitForDeliveries } from '../lib/subscribers.mjs';
import { startKind } from './fanout.mjs';

const run = promisify(execFile);
const LOAD = new URL('../clients/http-load.mjs', import.meta.url).pathname;

async function profiled(work) {
  const dir = await mkdtemp(join(tmpdir(), 'bench-profile-'));
  const server = await startKind('ours', {}, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  try {
    await work(server);
  } finally {
    await server.stop();
  }
  const summary = await summarizeProfile(dir);
  await rm(dir, { recursive: true, force: true });
  return summary;
}

export async function profilesScenario({ quick }) {
  const seconds = quick ? 2 : 5;
  const rest = await profiled((server) =>
    run(process.execPath, [
      LOAD,
      JSON.stringify({ url: `${server.http}/api/v1/pets/1`, connections: 50, duration: seconds }),
    ]),
  );
  const fanout = await profiled(async (server) => {
    const subscribers = await startSubscribers('ours', server.ws, 1000);
    const updates = quick ? 50 : 300;
    await pool(updates, 8, () => server.publish());
    await waitForDeliveries(subscribers, updates * 1000, 60_000);
    await subscribers.close();
  });
  return { rest, fanout };
}
