import fp from 'fastify-plugin';
import './fastify-decorations.js';

/**
 * Starts delivering the change feed to webhooks: the dispatcher looks for work whenever this node applies an
 * event (its own or another node's) and every WEBHOOK_POLL_INTERVAL_MS; it stops, letting its leases go, on close.
 */
export default fp(
  async (app) => {
    const { webhookDispatcher, webhooks } = app.services;
    app.liveFeed.consume(() => webhookDispatcher.eventApplied());
    app.metrics.observe('webhooks', () => webhooks.countByStatus().catch(() => ({})));
    app.metrics.observe('webhook_backlog_events', () => webhooks.backlogs().catch(() => ({})));
    app.addHook('onReady', async () => webhookDispatcher.start());
    app.addHook('preClose', async () => webhookDispatcher.stop());
  },
  { name: 'webhooks', dependencies: ['services', 'live-feed', 'metrics'] },
);
