import { ConfigError, loadConfig as loadConfigWith, startupFacts } from '../../config.js';

/** As the server does: facts read at start-up, here one start per call. */
const loadConfig = (env: Record<string, string>) => loadConfigWith(env, startupFacts());

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('runs with no configuration at all: SQLite under ./data, port 3000, a generated secret', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      host: '0.0.0.0',
      dataDir: './data',
      databaseUrl: undefined,
      admin: undefined,
      seedDemoData: true,
      logLevel: 'info',
      uploadMaxBytes: 5 * 1024 * 1024,
      refreshTokenExpiresInSeconds: 7 * 86400,
    });
    expect(config.jwt).toMatchObject({
      algorithm: 'HS256',
      secretWasGenerated: true,
      issuer: 'petstore',
      audience: 'petstore-api',
      expiresInSeconds: 3600,
    });
    expect(config.jwt.secret.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({}).jwt.secret).not.toBe(config.jwt.secret);
  });

  it.each([
    ['900', 900],
    ['45s', 45],
    ['15m', 900],
    ['2h', 7200],
    ['7d', 604800],
  ])('reads the duration %s as %i seconds', (value, seconds) => {
    expect(loadConfig({ JWT_EXPIRES_IN: value }).jwt.expiresInSeconds).toBe(seconds);
  });

  it('reads booleans, the admin pair and a PostgreSQL URL', () => {
    const config = loadConfig({
      SEED_DEMO_DATA: 'false',
      ADMIN_USERNAME: 'root',
      ADMIN_PASSWORD: 'long-enough',
      DATABASE_URL: 'postgresql://u@db:5432/petstore',
      JWT_SECRET: 'x'.repeat(32),
    });
    expect(config.seedDemoData).toBe(false);
    expect(config.admin).toEqual({ username: 'root', password: 'long-enough' });
    expect(config.databaseUrl).toBe('postgresql://u@db:5432/petstore');
    expect(config.jwt.secretWasGenerated).toBe(false);
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it('reads proxy trust and CORS origins', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toBe('10.0.0.0/8, 127.0.0.1');
    expect(loadConfig({}).corsOrigin).toBeUndefined();
    expect(loadConfig({ CORS_ORIGIN: '*' }).corsOrigin).toBe(true);
    expect(loadConfig({ CORS_ORIGIN: 'https://a.example, https://b.example' }).corsOrigin).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });

  it.each([
    [{ TRUST_PROXY: 'sometimes' }, 'TRUST_PROXY'],
    [{ JWT_ALGORITHM: 'none' }, 'JWT_ALGORITHM'],
    [{ JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY_FILE: '/k.pub' }, 'JWT_PRIVATE_KEY_FILE'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ JWT_EXPIRES_IN: 'soon' }, 'JWT_EXPIRES_IN'],
    [{ JWT_EXPIRES_IN: '0' }, 'JWT_EXPIRES_IN'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ SEED_DEMO_DATA: 'maybe' }, 'SEED_DEMO_DATA'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ ADMIN_USERNAME: 'root' }, 'ADMIN_PASSWORD'],
    [{ ADMIN_PASSWORD: 'long-enough' }, 'ADMIN_USERNAME'],
    [{ UPLOAD_MAX_BYTES: '-1' }, 'UPLOAD_MAX_BYTES'],
  ])('refuses %j naming %s', (env, variable) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${variable} `));
  });

  it('names every bad variable at once', () => {
    expect(
      problemsOf({ PORT: 'x', LOG_LEVEL: 'y' })
        .map((problem) => problem.split(' ')[0])
        .sort(),
    ).toEqual(['LOG_LEVEL', 'PORT']);
  });
  it('parses without side effects: what depends on the machine comes in as start-up facts', () => {
    const facts = { hostname: 'box', pid: 42, heapSizeLimitBytes: 1000, generatedSecret: 's'.repeat(64) };
    const first = loadConfigWith({}, facts);
    expect(loadConfigWith({}, facts)).toEqual(first);
    expect(first).toMatchObject({
      nodeId: 'box-42',
      loadShedding: { maxHeapUsedBytes: 900 },
      jwt: { secret: 's'.repeat(64), secretWasGenerated: true },
    });
  });

  it('groups the limits by what they limit', () => {
    const config = loadConfig({
      RATE_LIMIT_MAX: '50',
      RATE_LIMIT_ALLOWLIST: '10.0.0.1',
      SIGNUP_RATE_LIMIT_MAX: '3',
      LOGIN_MAX_FAILURES: '4',
      LOGIN_MAX_FAILURES_PER_IP: '9',
      LOGIN_FAILURE_WINDOW_MS: '60000',
    });
    expect(config.rateLimit).toEqual({ max: 50, windowMs: 60_000, allowlist: ['10.0.0.1'] });
    expect(config.signupLimit).toEqual({ max: 3, windowMs: 3_600_000 });
    expect(config.loginThrottle).toEqual({
      maxFailuresPerUser: 4,
      maxFailuresPerIp: 9,
      windowMs: 60_000,
      allowlist: ['10.0.0.1'],
    });
  });
});
