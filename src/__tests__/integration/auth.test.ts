import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ JWT_SECRET: 'a-test-secret-that-is-long-enough-for-hs256' });
});
afterAll(() => t.close());

const me = (token: string) => t.call({ method: 'GET', url: '/api/v1/users/me', token });
const refresh = (refreshToken: unknown) =>
  t.call({ method: 'POST', url: '/api/v1/auth/refresh', body: { refreshToken } });

function signHs256(payload: object, secret: string, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode(header)}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('signing in', () => {
  it('answers POST /auth/login with a bearer token pair that works', async () => {
    const response = await t.call({ method: 'POST', url: '/api/v1/auth/login', body: ADMIN });
    expect(response.statusCode).toBe(200);
    const pair = response.json();
    expect(pair).toEqual({
      token: expect.any(String),
      tokenType: 'Bearer',
      expiresAfter: expect.any(String),
      refreshToken: expect.any(String),
    });
    const lifetime = Date.parse(pair.expiresAfter) - Date.now();
    expect(lifetime).toBeGreaterThan(3500_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);
    expect((await me(pair.token)).json().username).toBe(ADMIN.username);
  });

  it('answers GET /users/login the same way, with X-Expires-After', async () => {
    const response = await t.call({
      method: 'GET',
      url: `/api/v1/users/login?username=${ADMIN.username}&password=${ADMIN.password}`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-expires-after']).toBe(response.json().expiresAfter);
    expect((await t.call({ method: 'GET', url: '/api/v1/users/login?username=admin' })).statusCode).toBe(400);
  });

  it('refuses a wrong password and an unknown user alike with 401 INVALID_CREDENTIALS', async () => {
    for (const body of [
      { username: ADMIN.username, password: 'wrong-password' },
      { username: 'ghost', password: 'whatever-1' },
    ]) {
      const response = await t.call({ method: 'POST', url: '/api/v1/auth/login', body });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({
        code: 'INVALID_CREDENTIALS',
        message: 'Wrong username or password',
      });
    }
  });
});

describe('tokens', () => {
  it('refuses a malformed Authorization header, a tampered token and a token signed with another key', async () => {
    const { token } = (await t.call({ method: 'POST', url: '/api/v1/auth/login', body: ADMIN })).json();
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: '999' })).toString('base64url')}.${signature}`;
    const cases: Array<[string, string]> = [
      ['Basic YWRtaW46YWRtaW4=', 'TOKEN_INVALID'],
      ['Bearer', 'TOKEN_INVALID'],
      [`Bearer ${tampered}`, 'TOKEN_INVALID'],
      [`Bearer ${signHs256(claims, 'some-other-secret-of-sufficient-length!')}`, 'TOKEN_INVALID'],
      [`Bearer ${signHs256(claims, '', { alg: 'none', typ: 'JWT' }).replace(/[^.]+$/, '')}`, 'TOKEN_INVALID'],
    ];
    for (const [authorization, code] of cases) {
      const response = await t.call({ method: 'GET', url: '/api/v1/users/me', headers: { authorization } });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe(code);
    }
    // A bad token is refused on public routes too, rather than silently ignored.
    expect(
      (await t.call({ method: 'GET', url: '/api/v1/pets', headers: { authorization: 'Bearer x.y.z' } }))
        .statusCode,
    ).toBe(401);
  });

  it('refuses a token from another issuer or for another audience', async () => {
    const { token } = (await t.call({ method: 'POST', url: '/api/v1/auth/login', body: ADMIN })).json();
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ iss: 'petstore', aud: 'petstore-api' });
    const secret = 'a-test-secret-that-is-long-enough-for-hs256';
    for (const forged of [
      { ...claims, iss: 'someone-else' },
      { ...claims, aud: 'another-api' },
      { ...claims, iss: undefined },
    ]) {
      const response = await me(signHs256(forged, secret));
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('TOKEN_INVALID');
    }
  });

  it('refuses an expired token with TOKEN_EXPIRED', async () => {
    const { token } = (await t.call({ method: 'POST', url: '/api/v1/auth/login', body: ADMIN })).json();
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    const expired = signHs256(
      { ...claims, iat: claims.iat - 7200, exp: claims.iat - 3600 },
      'a-test-secret-that-is-long-enough-for-hs256',
    );
    const response = await me(expired);
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('TOKEN_EXPIRED');
  });

  it('refuses a validly signed token whose session does not exist', async () => {
    const forged = signHs256(
      {
        sub: '1',
        sid: 'no-such-session',
        iss: 'petstore',
        aud: 'petstore-api',
        iat: Math.floor(Date.now() / 1000),
        exp: Math.floor(Date.now() / 1000) + 600,
      },
      'a-test-secret-that-is-long-enough-for-hs256',
    );
    const response = await me(forged);
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('SESSION_REVOKED');
  });
});

describe('RS256 with key files', () => {
  it('signs with the private key, verifies with the public one, and refuses the public key used as an HMAC secret', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const directory = await mkdtemp(join(tmpdir(), 'petstore-keys-'));
    await writeFile(join(directory, 'jwt.key'), privateKey);
    await writeFile(join(directory, 'jwt.pub'), publicKey);
    const rs = await startTestApp({
      JWT_ALGORITHM: 'RS256',
      JWT_PRIVATE_KEY_FILE: join(directory, 'jwt.key'),
      JWT_PUBLIC_KEY_FILE: join(directory, 'jwt.pub'),
    });
    try {
      const { token } = (await rs.call({ method: 'POST', url: '/api/v1/auth/login', body: ADMIN })).json();
      expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).alg).toBe('RS256');
      expect((await rs.call({ method: 'GET', url: '/api/v1/users/me', token })).statusCode).toBe(200);
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
      const confused = await rs.call({
        method: 'GET',
        url: '/api/v1/users/me',
        token: signHs256(claims, publicKey),
      });
      expect(confused.statusCode).toBe(401);
      expect(confused.json().code).toBe('TOKEN_INVALID');
    } finally {
      await rs.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('refresh and logout', () => {
  it('rotates the pair: the new tokens work and the old refresh token does not', async () => {
    const first = (await t.call({ method: 'POST', url: '/api/v1/auth/login', body: ADMIN })).json();
    const second = await refresh(first.refreshToken);
    expect(second.statusCode).toBe(200);
    const pair = second.json();
    expect(pair.refreshToken).not.toBe(first.refreshToken);
    expect((await me(pair.token)).statusCode).toBe(200);
    const third = await refresh(pair.refreshToken);
    expect(third.statusCode).toBe(200);
  });

  it('ends the whole session when a used refresh token is replayed', async () => {
    const first = (await t.call({ method: 'POST', url: '/api/v1/auth/login', body: ADMIN })).json();
    const rotated = (await refresh(first.refreshToken)).json();
    const replay = await refresh(first.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('REFRESH_TOKEN_REUSED');
    expect((await me(rotated.token)).json().code).toBe('SESSION_REVOKED');
    expect((await refresh(rotated.refreshToken)).json().code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('refuses malformed and unknown refresh tokens with 401 or 400', async () => {
    expect((await refresh('no-dot-here')).json().code).toBe('INVALID_REFRESH_TOKEN');
    expect((await refresh('unknown.session')).json().code).toBe('INVALID_REFRESH_TOKEN');
    expect((await refresh('')).statusCode).toBe(400);
    expect((await refresh(42)).statusCode).toBe(400);
  });

  it.each([
    ['POST', '/api/v1/auth/logout'],
    ['GET', '/api/v1/users/logout'],
  ] as const)('%s %s ends the session at once', async (method, url) => {
    const pair = (await t.call({ method: 'POST', url: '/api/v1/auth/login', body: ADMIN })).json();
    expect((await t.call({ method, url, token: pair.token })).statusCode).toBe(204);
    expect((await me(pair.token)).json().code).toBe('SESSION_REVOKED');
    expect((await refresh(pair.refreshToken)).json().code).toBe('INVALID_REFRESH_TOKEN');
    expect((await t.call({ method, url })).statusCode).toBe(401);
  });

  it('signs in with a short-lived token that expires on its own', async () => {
    const short = await startTestApp({ JWT_EXPIRES_IN: '1s' });
    try {
      const { token } = (await short.call({ method: 'POST', url: '/api/v1/auth/login', body: ADMIN })).json();
      expect((await short.call({ method: 'GET', url: '/api/v1/users/me', token })).statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const late = await short.call({ method: 'GET', url: '/api/v1/users/me', token });
      expect(late.json().code).toBe('TOKEN_EXPIRED');
    } finally {
      await short.close();
    }
  });
});
