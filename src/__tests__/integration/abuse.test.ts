import { Writable } from 'node:stream';
import { ADMIN, startTestApp } from '../helpers/test-app.js';

const login = (t: Awaited<ReturnType<typeof startTestApp>>, body: object, ip: string) =>
  t.call({ method: 'POST', url: '/api/v1/auth/login', body, headers: { 'x-forwarded-for': ip } });

describe('rate limits', () => {
  it('limits each client address globally with 429, Retry-After and RateLimit-* headers, except the allowlist', async () => {
    const t = await startTestApp({
      RATE_LIMIT_MAX: '5',
      RATE_LIMIT_WINDOW_MS: '60000',
      TRUST_PROXY: '127.0.0.1',
      RATE_LIMIT_ALLOWLIST: '198.51.100.7',
    });
    try {
      const get = (ip: string) =>
        t.call({ method: 'GET', url: '/api/v1/pets', headers: { 'x-forwarded-for': ip } });
      const first = await get('203.0.113.1');
      expect(first.headers['ratelimit-limit']).toBe('5');
      expect(first.headers['ratelimit-remaining']).toBe('4');
      for (let index = 0; index < 4; index += 1) expect((await get('203.0.113.1')).statusCode).toBe(200);
      const limited = await get('203.0.113.1');
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({
        statusCode: 429,
        code: 'RATE_LIMITED',
        error: 'Too Many Requests',
      });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.headers['ratelimit-reset']).toEqual(expect.any(String));
      expect((await get('203.0.113.2')).statusCode).toBe(200);
      for (let index = 0; index < 10; index += 1) expect((await get('198.51.100.7')).statusCode).toBe(200);
      expect(
        (await t.call({ method: 'GET', url: '/health', headers: { 'x-forwarded-for': '203.0.113.1' } }))
          .statusCode,
      ).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('limits sign-ups per address per hour', async () => {
    const t = await startTestApp({ SIGNUP_RATE_LIMIT_MAX: '2' });
    try {
      const signUp = (username: string) =>
        t.call({ method: 'POST', url: '/api/v1/users', body: { username, password: 'good enough 42' } });
      expect((await signUp('one1')).statusCode).toBe(201);
      expect((await signUp('two2')).statusCode).toBe(201);
      const third = await signUp('three3');
      expect(third.statusCode).toBe(429);
      expect(third.json().code).toBe('RATE_LIMITED');
    } finally {
      await t.close();
    }
  });
});

describe('brute-force slowing', () => {
  it('locks a username after repeated failures, even from many addresses and with the right password', async () => {
    const t = await startTestApp({
      LOGIN_MAX_FAILURES: '3',
      LOGIN_MAX_FAILURES_PER_IP: '100',
      TRUST_PROXY: 'true',
    });
    try {
      for (let index = 0; index < 3; index += 1) {
        expect(
          (await login(t, { username: ADMIN.username, password: 'wrong-guess' }, `203.0.113.${index + 1}`))
            .statusCode,
        ).toBe(401);
      }
      const locked = await login(t, ADMIN, '203.0.113.99');
      expect(locked.statusCode).toBe(429);
      expect(locked.json().code).toBe('RATE_LIMITED');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
      const viaQuery = await t.call({
        method: 'GET',
        url: `/api/v1/users/login?username=${ADMIN.username}&password=${ADMIN.password}`,
      });
      expect(viaQuery.statusCode).toBe(429);
      const customer = await t.customer();
      expect(customer.token).toEqual(expect.any(String));
    } finally {
      await t.close();
    }
  });

  it('limits failures per address across usernames, and does not count successful sign-ins', async () => {
    const t = await startTestApp({
      LOGIN_MAX_FAILURES: '100',
      LOGIN_MAX_FAILURES_PER_IP: '3',
      TRUST_PROXY: 'true',
    });
    try {
      for (let index = 0; index < 5; index += 1)
        expect((await login(t, ADMIN, '203.0.113.5')).statusCode).toBe(200);
      for (let index = 0; index < 3; index += 1) {
        expect(
          (await login(t, { username: `user${index}`, password: 'wrong-guess' }, '203.0.113.5')).statusCode,
        ).toBe(401);
      }
      expect((await login(t, ADMIN, '203.0.113.5')).statusCode).toBe(429);
      expect((await login(t, ADMIN, '203.0.113.6')).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('secrets in logs', () => {
  it('writes no password or token into the log lines of sign-in requests', async () => {
    let logged = '';
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    const t = await startTestApp({ LOG_LEVEL: 'trace' }, { logStream });
    try {
      const pair = (await t.call({ method: 'POST', url: '/api/v1/auth/login', body: ADMIN })).json();
      await t.call({
        method: 'GET',
        url: `/api/v1/users/login?username=${ADMIN.username}&password=${ADMIN.password}`,
      });
      await t.call({ method: 'GET', url: '/api/v1/users/me', token: pair.token });
      await t.call({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        body: { refreshToken: pair.refreshToken },
      });
      await t.call({
        method: 'POST',
        url: '/api/v1/auth/login',
        body: { username: ADMIN.username, password: 'a-wrong-secret' },
      });
      expect(logged).toContain('/api/v1/users/login');
      expect(logged).toContain('password=[redacted]');
      for (const secret of [
        ADMIN.password,
        'a-wrong-secret',
        pair.token,
        pair.refreshToken,
        pair.token.split('.')[2],
      ]) {
        expect(logged).not.toContain(secret);
      }
    } finally {
      await t.close();
    }
  });
});
