import { BrokenCircuitError } from 'cockatiel';
import { Redis } from 'ioredis';
import { RedisBreaker, type BreakerState } from '../../cluster/redis-breaker.js';
import { OwnRedisServer } from '../helpers/redis-server.js';
import { engine } from '../helpers/test-database.js';
import { until } from '../helpers/until.js';

/**
 * The circuit breaker around the service's Redis commands, against a real redis-server that the test stops and
 * starts: it opens after consecutive failures, fails fast while open (the command is not even tried), lets one
 * trial through after the pause, and closes when that trial succeeds. Redis only, so once (on SQLite).
 */
const describeOnce = engine === 'sqlite' ? describe : describe.skip;

describeOnce('the Redis circuit breaker', () => {
  let server: OwnRedisServer;
  let client: Redis;

  beforeAll(async () => {
    server = await OwnRedisServer.start();
    // As plugins/redis.ts connects: commands fail at once while disconnected instead of queueing.
    client = new Redis(server.url, {
      connectTimeout: 1000,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    client.on('error', () => undefined);
    await until(() => client.status === 'ready', 5000, 'the connection');
  });
  afterAll(async () => {
    client.disconnect();
    await server.kill();
  });

  it('opens after consecutive failures, fails fast while open, and closes after a successful half-open trial', async () => {
    const breaker = new RedisBreaker(client, { failuresToOpen: 3, halfOpenAfterMs: 500 });
    const states: BreakerState[] = [];
    breaker.onStateChange((state) => states.push(state));
    let tried = 0;
    const ping = () =>
      breaker.run((redis) => {
        tried += 1;
        return redis.ping();
      });
    expect(await ping()).toBe('PONG');

    await server.kill();
    await until(() => client.status !== 'ready', 5000, 'the client to see Redis gone');
    for (let call = 0; call < 3; call += 1) await expect(ping()).rejects.toThrow();
    expect(breaker.state).toBe('open');

    const triedBefore = tried;
    await expect(ping()).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(tried).toBe(triedBefore);

    // After the pause one trial goes through; Redis is still down, so the circuit opens again.
    await new Promise((resolve) => setTimeout(resolve, 600));
    await expect(ping()).rejects.toThrow();
    expect(tried).toBe(triedBefore + 1);
    expect(breaker.state).toBe('open');

    await server.restart();
    await until(() => client.status === 'ready', 10_000, 'the client to reconnect');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await ping()).toBe('PONG');
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });
});
