// The platform's limit for fan-out (see frame-once-broadcast.mjs): a bare node:http server whose
// POST /publish {name} broadcasts one notification.
import { createServer } from 'node:http';
import { frameOnceBroadcast } from './frame-once-broadcast.mjs';
import { publishHandler } from './sample-pet.mjs';

let broadcast;
const server = createServer(publishHandler((name) => broadcast(name)));
broadcast = frameOnceBroadcast(server);
server.listen(Number(process.env.PORT), '127.0.0.1');
// Stops at once on SIGTERM, so that a profiled run (--cpu-prof) writes its profile.
process.on('SIGTERM', () => process.exit(0));
