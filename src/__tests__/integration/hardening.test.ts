import { RawSocket } from '../helpers/raw-socket.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('proxy trust', () => {
  async function openFrom(url: string, forwardedFor: string) {
    return RawSocket.open(url, { headers: { 'x-forwarded-for': forwardedFor } });
  }

  it('ignores a forged X-Forwarded-For when TRUST_PROXY is off (the default)', async () => {
    const t = await startTestApp({ WS_MAX_CONNECTIONS_PER_IP: '2' });
    try {
      const url = (await t.listen()).ws;
      const sockets = [await openFrom(url, '203.0.113.1'), await openFrom(url, '203.0.113.2')];
      await expect(openFrom(url, '203.0.113.3')).rejects.toMatchObject({ statusCode: 429 });
      for (const socket of sockets) socket.close();
    } finally {
      await t.close();
    }
  });

  it('uses the forwarded client address behind a trusted proxy', async () => {
    const t = await startTestApp({ WS_MAX_CONNECTIONS_PER_IP: '2', TRUST_PROXY: '127.0.0.1' });
    try {
      const url = (await t.listen()).ws;
      const sockets = [await openFrom(url, '203.0.113.1'), await openFrom(url, '203.0.113.1')];
      await expect(openFrom(url, '203.0.113.1')).rejects.toMatchObject({ statusCode: 429 });
      sockets.push(await openFrom(url, '203.0.113.2'));
      for (const socket of sockets) socket.close();
    } finally {
      await t.close();
    }
  });
});

describe('security headers and CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGIN: 'https://board.example' });
  });
  afterAll(() => t.close());

  it('sends the API security headers on API answers, errors included', async () => {
    for (const url of ['/api/v1/pets', '/api/v1/pets/999999', '/no-such-route']) {
      const response = await t.call({ method: 'GET', url });
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
      expect(response.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(response.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('sends helmet headers on pages, with a CSP that allows Swagger UI’s own scripts and inline styles only', async () => {
    for (const url of ['/documentation/', '/']) {
      const page = await t.call({ method: 'GET', url });
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['strict-transport-security']).toEqual(expect.any(String));
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });

  it('answers a preflight from an allowed origin and exposes the API headers, and ignores other origins', async () => {
    const preflight = await t.call({
      method: 'OPTIONS',
      url: '/api/v1/pets',
      headers: {
        origin: 'https://board.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://board.example');
    const simple = await t.call({
      method: 'GET',
      url: '/api/v1/pets',
      headers: { origin: 'https://board.example' },
    });
    expect(simple.headers['access-control-expose-headers']).toContain('X-Event-Seq');
    const foreign = await t.call({
      method: 'GET',
      url: '/api/v1/pets',
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends no CORS headers at all when CORS_ORIGIN is unset', async () => {
    const plain = await startTestApp();
    try {
      const response = await plain.call({
        method: 'GET',
        url: '/api/v1/pets',
        headers: { origin: 'https://board.example' },
      });
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});
