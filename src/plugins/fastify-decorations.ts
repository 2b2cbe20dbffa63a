import type { Redis } from 'ioredis';
import type { ClusterState } from '../cluster/cluster-state.js';
import type { RedisBreaker } from '../cluster/redis-breaker.js';
import type { Config } from '../config.js';
import type { RateLimitScope, ServiceMetrics } from '../metrics/service-metrics.js';
import type { DatabaseHandle } from '../db/database.js';
import type { Actor } from '../services/access.js';
import type { TokenSigner } from '../services/auth-service.js';
import type { RealtimeGateway } from '../realtime/gateway.js';
import type { LiveFeed } from '../realtime/live-feed.js';
import type { Services } from '../services/container.js';
import type { ExpectedVersions } from '../services/preconditions.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: DatabaseHandle;
    /** Signs and verifies access tokens (plugins/jwt.ts). */
    tokenSigner: TokenSigner;
    services: Services;
    realtime: RealtimeGateway;
    /** The node's in-order stream of the change feed: the catalog, then the gateway, consume it. */
    liveFeed: LiveFeed;
    /** The shared Redis connection, when REDIS_URL is set. */
    redis: Redis | undefined;
    /** Guards the service's own Redis commands (retry, circuit breaker); set with `redis`. */
    redisBreaker: RedisBreaker | undefined;
    /** Everything /metrics exports. */
    metrics: ServiceMetrics;
    cluster: ClusterState;
    /** True from the moment the app starts closing. */
    isDraining(): boolean;
    /** True while the event loop's delay or the heap is past its LOAD_SHED_* threshold. */
    isUnderPressure(): boolean;
  }
  interface FastifyContextConfig {
    /** Which limit a route's own `rateLimit` is, for rate_limit_hits_total (default: global). */
    rateLimitScope?: RateLimitScope;
    /** Answered even while the node sheds load (plugins/load-shedding.ts): probes and scrapes. */
    servedUnderPressure?: boolean;
    /** Also takes the access token from an `api_key` header, as the Swagger Petstore sends it (/api/v3). */
    acceptsApiKey?: boolean;
  }
  interface FastifyRequest {
    /** The signed-in caller, or null. Set from a valid `Authorization: Bearer` token. */
    principal: Actor;
    /** The versions `If-Match` accepts (undefined: any), for the service to check (plugins/conditional-requests.ts). */
    expectedVersions: ExpectedVersions;
    /** The seq the answer must reflect at least (`X-Min-Event-Seq`; 0 without it: plugins/read-your-writes.ts). */
    minEventSeq: number;
  }
}
