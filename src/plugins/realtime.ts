import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { WebSocket } from 'ws';
import { ForbiddenError, RateLimitedError } from '../errors.js';
import { RealtimeGateway } from '../realtime/gateway.js';
import { asyncApiDocument } from '../realtime/asyncapi.js';
import './fastify-decorations.js';

/**
 * @fastify/websocket keeps the upgrade's request and reply alive as long as the socket lives: its error listener
 * holds both, and the TCP socket holds the reply's never-finished ServerResponse, whose listeners hold them again.
 * Nothing reads them after the upgrade, and a subscriber lives long: they are let go here (the gateway listens
 * for socket errors itself, and ws closes a socket whose frames fail).
 */
function releaseUpgrade(socket: WebSocket, wire: Socket): void {
  socket.removeAllListeners('error');
  (wire as Socket & { _httpMessage?: ServerResponse | null })._httpMessage?.detachSocket(wire);
}

/**
 * `GET /ws`: the WebSocket door, with its upgrade-time limits (origin, connections per IP).
 * @fastify/websocket itself is registered first in app.ts, so that its hooks see every upgrade request,
 * including one refused before it reaches this route. On close the gateway answers what is in flight, then
 * closes every socket with 1001.
 */
export default fp(
  async (app) => {
    const { config } = app;
    const gateway = new RealtimeGateway({
      services: app.services,
      live: app.liveFeed,
      eventLog: app.services.feed.reader(app.database.db),
      settings: { ...config.websocket, nodeId: config.nodeId },
      log: app.log.child({ component: 'realtime' }),
      metrics: app.metrics,
    });
    app.decorate('realtime', gateway);
    app.addHook('preClose', async () => {
      await gateway.close();
      await new Promise((resolve) => app.websocketServer.close(resolve));
    });
    app.metrics.observe('ws_connections', () => gateway.connectionCount);
    app.metrics.observe('ws_outbound_queue_depth', () => gateway.queuedNotifications);

    const allowed = config.websocket.allowedOrigins;
    app.get(
      '/ws',
      {
        websocket: true,
        schema: { hide: true },
        preValidation: async (request, reply) => {
          const origin = request.headers.origin;
          if (allowed && origin !== undefined && !allowed.includes(origin)) {
            throw new ForbiddenError(`Origin ${origin} is not allowed`);
          }
          if (gateway.connectionsFrom(request.ip) >= config.websocket.maxConnectionsPerIp) {
            app.metrics.rateLimited('ws_connection');
            reply.header('retry-after', '10');
            throw new RateLimitedError('Too many open connections from this address');
          }
        },
      },
      (socket: WebSocket, request: FastifyRequest) => {
        releaseUpgrade(socket, request.raw.socket);
        gateway.attach(socket, request.raw.socket, request.ip, request.principal);
      },
    );

    app.get('/documentation/asyncapi.json', { schema: { hide: true } }, async () => asyncApiDocument());
  },
  { name: 'realtime', dependencies: ['services', 'live-feed', 'authentication', 'metrics'] },
);
