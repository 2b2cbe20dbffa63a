import fp from 'fastify-plugin';
import { seedDemoPets } from '../services/demo-data.js';
import './fastify-decorations.js';

/** First-start data: the admin from ADMIN_USERNAME, and demo pets in a new SQLite database. */
export default fp(
  async (app) => {
    const { services } = app;
    const { admin, seedDemoData } = app.config;
    if (admin && (await services.users.ensureAdmin(admin.username, admin.password))) {
      app.log.info({ username: admin.username }, 'created the first admin from ADMIN_USERNAME');
    }
    if (seedDemoData && app.database.engine === 'sqlite') {
      const seeded = await seedDemoPets(services);
      if (seeded > 0) app.log.info({ pets: seeded }, 'seeded demo pets into the new database');
    }
  },
  { name: 'seeding', dependencies: ['services'] },
);
