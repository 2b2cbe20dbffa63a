import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import fp from 'fastify-plugin';
import { ClusterBus } from '../cluster/cluster-bus.js';
import { NodeRegistry } from '../cluster/node-registry.js';
import type { BreakerState } from '../cluster/redis-breaker.js';
import { serviceVersion } from '../version.js';
import './fastify-decorations.js';

const BREAKER_LEVEL: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);
const FANOUT_MODES = ['local', 'pubsub', 'polling'] as const;

/**
 * Cluster mode: with PostgreSQL and Redis, events and session revocations travel between nodes over Redis
 * pub/sub (polling the event table while it is down), and each node announces itself in the node registry.
 * Alone (no Redis, or SQLite), the node delivers its own commits and lists only itself.
 */
export default fp(
  async (app) => {
    const { config, redisBreaker, services } = app;
    const startedAt = new Date().toISOString();
    const log = app.log.child({ component: 'cluster' });

    const clustered = redisBreaker !== undefined && app.database.engine === 'postgres';
    if (redisBreaker && !clustered) {
      log.info('Redis is set but the database is SQLite: events stay on this node');
    }

    const bus = clustered
      ? new ClusterBus(
          redisBreaker,
          services.feed,
          services.revocations,
          app.realtime,
          {
            nodeId: config.nodeId,
            keyPrefix: config.redis?.keyPrefix ?? '',
            pollIntervalMs: config.events.pollIntervalMs,
            onPubsubMessage: (channel) => app.metrics.clusterMessageReceived(channel),
            onPublished: (channel) => channel === 'events' && app.metrics.eventPublished(),
          },
          log,
        )
      : undefined;

    // Where other machines reach this node: the bound address, or the host name when bound to all interfaces.
    const address = () => {
      const bound = app.server.address() as AddressInfo | null;
      const host = bound?.address ?? config.host;
      return `${WILDCARD_HOSTS.has(host) ? hostname() : host}:${bound?.port ?? config.port}`;
    };
    const httpConnections = () =>
      new Promise<number>((resolve) =>
        app.server.getConnections((error, count) => resolve(error ? 0 : count)),
      );
    const registry = new NodeRegistry(
      redisBreaker,
      {
        keyPrefix: config.redis?.keyPrefix ?? '',
        heartbeatMs: config.nodeHeartbeatMs,
        nodeId: config.nodeId,
      },
      async () => ({
        id: config.nodeId,
        address: address(),
        startedAt,
        version: serviceVersion,
        connections: { websocket: app.realtime.connectionCount, http: await httpConnections() },
      }),
      log,
    );

    app.decorate('cluster', {
      get fanout() {
        return bus ? bus.mode : 'local';
      },
      get breaker() {
        return redisBreaker ? redisBreaker.state : 'disabled';
      },
      registry,
    });

    app.metrics.observe('cluster_nodes', () => registry.count().catch(() => 0));
    app.metrics.observe('redis_circuit_breaker_state', () =>
      redisBreaker ? BREAKER_LEVEL[redisBreaker.state] : undefined,
    );
    app.metrics.observe('cluster_event_fanout', () =>
      Object.fromEntries(FANOUT_MODES.map((mode) => [mode, app.cluster.fanout === mode ? 1 : 0])),
    );

    app.addHook('onReady', async () => {
      bus?.start();
      registry.start();
    });
    app.addHook('onListen', async () => registry.beat());
    app.addHook('preClose', async () => registry.stop());
    app.addHook('onClose', async () => bus?.stop());
  },
  { name: 'cluster', dependencies: ['redis', 'services', 'realtime', 'metrics'] },
);
