import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../db/database.js';
import type { Actor } from '../services/access.js';
import type { RealtimeGateway } from '../realtime/gateway.js';
import type { Services } from '../services/container.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: DatabaseHandle;
    services: Services;
    realtime: RealtimeGateway;
    /** The shared Redis connection, when REDIS_URL is set. */
    redis: Redis | undefined;
  }
  interface FastifyRequest {
    /** The signed-in caller, or null. Set from a valid `Authorization: Bearer` token. */
    principal: Actor;
  }
}
