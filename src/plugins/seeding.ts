import fp from 'fastify-plugin';
import { seedDemoPets } from '../services/demo-data.js';
import './fastify-decorations.js';

export interface SeedingOptions {
  /** Shown the credentials of an admin made for a first run (none configured, not in production), once. */
  onFirstAdmin?: (credentials: { username: string; password: string }) => void;
}

/**
 * First-start data: the admin from ADMIN_USERNAME, or outside production, when none is configured and the store
 * has none, an `admin` with a generated password handed to `onFirstAdmin`; and demo pets in a new SQLite database.
 */
export default fp<SeedingOptions>(
  async (app, options) => {
    const { services } = app;
    const { admin, env, seedDemoData } = app.config;
    if (admin && (await services.users.ensureAdmin(admin.username, admin.password))) {
      app.log.info({ username: admin.username }, 'created the first admin from ADMIN_USERNAME');
    }
    if (!admin && env !== 'production') {
      const created = await services.users.ensureFirstAdmin();
      if (created) {
        app.log.warn(
          { username: created.username },
          'created an admin with a generated password for this first run',
        );
        options.onFirstAdmin?.(created);
      }
    }
    if (seedDemoData && app.database.engine === 'sqlite') {
      const seeded = await seedDemoPets(services);
      if (seeded > 0) app.log.info({ pets: seeded }, 'seeded demo pets into the new database');
    }
  },
  { name: 'seeding', dependencies: ['services'] },
);
