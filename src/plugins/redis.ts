import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import { RedisBreaker } from '../cluster/redis-breaker.js';
import './fastify-decorations.js';

/**
 * The shared Redis connection when REDIS_URL is set (undefined otherwise). Commands fail fast while Redis is
 * unreachable instead of queueing, so callers can fall back and the API keeps answering.
 */
export default fp(
  async (app) => {
    const settings = app.config.redis;
    if (!settings) {
      app.decorate('redis', undefined);
      app.decorate('redisBreaker', undefined);
      return;
    }
    const redis = new Redis(settings.url, {
      connectTimeout: 1000,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      lazyConnect: true,
    });
    redis.on('error', (error) => app.log.warn({ err: error }, 'redis error'));
    await redis.connect().catch((error) => app.log.warn({ err: error }, 'redis is unreachable; will retry'));
    app.decorate('redis', redis);
    const breaker = new RedisBreaker(redis);
    breaker.onStateChange((state) => app.log.warn({ state }, `redis circuit breaker ${state}`));
    app.decorate('redisBreaker', breaker);
    app.addHook('onClose', async () => {
      redis.disconnect();
    });
  },
  { name: 'redis' },
);
