// Reconnect storm: subscribers all drop at once while writes continue, and come back with `since` = the last
// seq each saw. Every event written must reach every subscriber; and how long until all are live again.
import { json, login, paced } from '../lib/api.mjs';
import { startOurs } from '../lib/processes.mjs';
import { sentAtName } from '../lib/sent-at.mjs';
import { round } from '../lib/stats.mjs';
import { startSubscribers } from '../lib/subscribers.mjs';

export async function reconnectScenario({ quick }) {
  const size = quick ? 200 : 1000;
  const server = await startOurs();
  const subscribers = await startSubscribers('ours', server.ws, size);
  try {
    const token = await login(server.http);
    const write = () => json(server.http, 'PATCH', '/api/v1/pets/1', { token, body: { name: sentAtName() } });
    await subscribers.reset();
    const writing = paced(50, quick ? 3 : 6, write);
    await new Promise((resolve) => setTimeout(resolve, quick ? 1000 : 2000));
    const resumeMs = await subscribers.drop();
    const writes = await writing;
    const expected = writes.map((answer) => answer.seq);
    // Let the last notifications arrive.
    const deadline = Date.now() + 10_000;
    let report = await subscribers.report(expected);
    while (report.have < expected.length * size && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      report = await subscribers.report(expected);
    }
    return {
      subscribers: size,
      eventsWritten: expected.length,
      deliveredFraction: round(report.have / (expected.length * size), 4),
      allLiveAgainMs: resumeMs,
    };
  } finally {
    await subscribers.close();
    await server.stop();
  }
}
