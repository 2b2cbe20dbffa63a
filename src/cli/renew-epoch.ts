/**
 * `npm run events:renew-epoch`: after a database is restored from a backup, gives its event log a new epoch,
 * so that every client resuming with a seq of the old log is told to resync instead of being handed events
 * that are not the ones it missed. Run it with the nodes stopped, with the same DATABASE_URL / DATA_DIR.
 */
import { ConfigError, loadConfig, startupFacts } from '../config.js';
import { migrateToLatest, openDatabase } from '../db/database.js';
import { ChangeFeed } from '../events/change-feed.js';

try {
  const config = loadConfig(process.env, startupFacts());
  const handle = openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onConnectionError: () => {},
  });
  try {
    await migrateToLatest(handle);
    const epoch = await new ChangeFeed().renewEpoch(handle.db);
    process.stdout.write(
      `The event log of ${handle.location} is now epoch ${epoch}. Start the nodes again.\n`,
    );
  } finally {
    await handle.db.destroy();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
}
