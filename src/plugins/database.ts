import fp from 'fastify-plugin';
import { migrateToLatest, openDatabase } from '../db/database.js';
import './fastify-decorations.js';

/** Opens SQLite or PostgreSQL, brings the schema up to date, and closes the pool with the app. */
export default fp(
  async (app) => {
    const handle = openDatabase({
      databaseUrl: app.config.databaseUrl,
      dataDir: app.config.dataDir,
      onConnectionError: (error) =>
        app.log.warn({ err: error }, 'a database connection was closed by the server'),
    });
    app.addHook('onClose', () => handle.db.destroy());
    await migrateToLatest(handle);
    app.decorate('database', handle);
    app.log.info({ engine: handle.engine, location: handle.location }, 'database ready');
  },
  { name: 'database' },
);
