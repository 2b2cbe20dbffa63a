import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, signedIn } from './http.js';

const NodeSchema = z
  .object({
    id: z.string(),
    address: z.string().meta({ description: 'host:port the node listens on' }),
    startedAt: z.iso.datetime(),
    version: z.string(),
    connections: z.object({
      websocket: z.number().int().meta({ description: 'Open WebSocket connections' }),
      http: z.number().int().meta({ description: 'Open HTTP connections (including WebSocket ones)' }),
    }),
    lastSeen: z.iso.datetime().meta({ description: 'Time of its last heartbeat' }),
  })
  .meta({ id: 'ClusterNode' });

export const clusterRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/cluster', {
    schema: {
      operationId: 'getCluster',
      tags: ['operations'],
      summary: 'The live nodes of the cluster',
      description:
        'Each node heartbeats to Redis; one that stops disappears within three heartbeats ' +
        '(NODE_HEARTBEAT_MS). Without Redis the node lists only itself. 503 CLUSTER_UNAVAILABLE while ' +
        'Redis is unreachable.',
      security: signedIn,
      response: { 200: z.object({ nodes: z.array(NodeSchema) }), ...errorResponses(401, 403, 503) },
    },
    handler: async (request) => ({ nodes: await app.services.operations.clusterNodes(request.principal) }),
  });
};
