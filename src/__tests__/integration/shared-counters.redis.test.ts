import { randomBytes } from 'node:crypto';
import { ADMIN, startTestApp, type TestApp } from '../helpers/test-app.js';
import { SHARED_REDIS_URL } from '../helpers/test-cluster.js';

/** Two nodes on one Redis share their counters. Uses the Redis at 127.0.0.1:6379 (see jest.config.js). */

async function twoNodes(env: Record<string, string>): Promise<[TestApp, TestApp]> {
  const shared = {
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_KEY_PREFIX: `test-${randomBytes(6).toString('hex')}:`,
    TRUST_PROXY: 'true',
    ...env,
  };
  return [await startTestApp(shared), await startTestApp(shared)];
}

describe('counters shared through Redis', () => {
  it('counts the global rate limit across nodes', async () => {
    const [a, b] = await twoNodes({ RATE_LIMIT_MAX: '4' });
    try {
      const get = (node: TestApp) =>
        node.call({ method: 'GET', url: '/api/v1/pets', headers: { 'x-forwarded-for': '203.0.113.9' } });
      for (const node of [a, b, a, b]) expect((await get(node)).statusCode).toBe(200);
      expect((await get(a)).statusCode).toBe(429);
      expect((await get(b)).statusCode).toBe(429);
      expect((await a.call({ method: 'GET', url: '/health' })).json()).toMatchObject({
        status: 'ok',
        services: { redis: 'ok' },
      });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('counts failed sign-ins for one username across nodes', async () => {
    const [a, b] = await twoNodes({ LOGIN_MAX_FAILURES: '2' });
    try {
      const login = (node: TestApp, password: string) =>
        node.call({
          method: 'POST',
          url: '/api/v1/auth/login',
          body: { username: ADMIN.username, password },
        });
      expect((await login(a, 'wrong-one')).statusCode).toBe(401);
      expect((await login(b, 'wrong-two')).statusCode).toBe(401);
      const locked = await login(a, ADMIN.password);
      expect(locked.statusCode).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps answering with Redis unreachable, and says degraded', async () => {
    const node = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_MAX: '2' });
    try {
      const health = (await node.call({ method: 'GET', url: '/health' })).json();
      expect(health).toMatchObject({ status: 'degraded', services: { database: 'ok', redis: 'down' } });
      for (let index = 0; index < 4; index += 1) {
        expect((await node.call({ method: 'GET', url: '/api/v1/pets' })).statusCode).toBe(200);
      }
      expect((await node.call({ method: 'POST', url: '/api/v1/auth/login', body: ADMIN })).statusCode).toBe(
        200,
      );
    } finally {
      await node.close();
    }
  });
});
