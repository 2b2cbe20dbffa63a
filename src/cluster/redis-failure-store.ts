import type { FailureStore, FailureWindow } from '../services/login-throttle.js';
import type { RedisBreaker } from './redis-breaker.js';

/** Fixed windows in Redis: INCR, and an expiry set by the first failure of the window. */
export class RedisFailureStore implements FailureStore {
  constructor(
    private readonly redis: RedisBreaker,
    private readonly prefix: string,
  ) {}

  async read(key: string): Promise<FailureWindow | undefined> {
    const [count, ttl] = await this.redis.run((redis) =>
      Promise.all([redis.get(this.prefix + key), redis.pttl(this.prefix + key)]),
    );
    return count === null || ttl <= 0 ? undefined : { failures: Number(count), resetInMs: ttl };
  }

  async increment(key: string, windowMs: number): Promise<void> {
    await this.redis.run((redis) =>
      redis
        .multi()
        .incr(this.prefix + key)
        .pexpire(this.prefix + key, windowMs, 'NX')
        .exec(),
    );
  }

  async forget(key: string): Promise<void> {
    await this.redis.run((redis) => redis.del(this.prefix + key));
  }
}
