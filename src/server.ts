import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, startupFacts, type Config } from './config.js';

function readConfig(): Config {
  try {
    return loadConfig(process.env, startupFacts());
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * The credentials of an admin made for a first run, printed once where whoever started the service looks (as
 * Grafana and Jenkins do), beside the log rather than in it: log collectors keep what they are given.
 */
function showFirstAdmin({ username, password }: { username: string; password: string }): void {
  const base = `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${config.port}`;
  const rule = '*'.repeat(72);
  process.stdout.write(
    [
      '',
      rule,
      'No ADMIN_USERNAME/ADMIN_PASSWORD is set, so this first run created an admin:',
      '',
      `    username: ${username}`,
      `    password: ${password}`,
      '',
      `Sign in with it in Swagger UI (${base}/documentation: POST /api/v1/auth/login, then`,
      `Authorize with its token) or on the live board (${base}/). It is shown only this once;`,
      'change it with PUT /api/v1/users/admin. In production, set ADMIN_USERNAME and ADMIN_PASSWORD.',
      rule,
      '',
      '',
    ].join('\n'),
  );
}

const config = readConfig();
const app = await buildApp({ config, onFirstAdmin: showFirstAdmin });
if (config.jwt.secretWasGenerated) {
  app.log.warn(
    'JWT_SECRET is not set: using a random secret for this run; tokens will not survive a restart',
  );
}
if (!config.admin && config.env === 'production') {
  app.log.warn('ADMIN_USERNAME/ADMIN_PASSWORD are not set: no admin account was created');
}

// SIGTERM/SIGINT: refuse new requests (503 SHUTTING_DOWN, /ready too), answer those in flight over HTTP and
// WebSocket, close sockets with 1001, then the database and Redis. Past SHUTDOWN_TIMEOUT_MS it exits with 1.
closeWithGrace({ delay: config.shutdownTimeoutMs }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after an unexpected error');
  else app.log.info({ signal }, 'closing');
  await app.close();
});

try {
  await app.listen({ port: config.port, host: config.host });
} catch (error) {
  app.log.error({ err: error }, 'could not start listening');
  process.exit(1);
}
