import { ADMIN, createPet, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.adminToken();
});
afterAll(() => t.close());

const signUp = (body: unknown) => t.call({ method: 'POST', url: '/api/v1/users', body });

describe('signing up', () => {
  it('creates a customer with 201 and Location, and never returns the password or its hash', async () => {
    const response = await signUp({
      username: 'carol',
      password: 'correct horse 42',
      email: 'carol@example.com',
      firstName: 'Carol',
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers.location).toBe('/api/v1/users/carol');
    const user = response.json();
    expect(user).toMatchObject({
      username: 'carol',
      role: 'customer',
      email: 'carol@example.com',
      firstName: 'Carol',
      lastName: null,
      userStatus: 0,
    });
    expect(response.body).not.toMatch(/password|hash|argon/i);
  });

  it('answers 409 USERNAME_TAKEN for a taken username', async () => {
    await signUp({ username: 'dave', password: 'apple pie 42' });
    const response = await signUp({ username: 'dave', password: 'other-password' });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('USERNAME_TAKEN');
  });

  it.each([
    ['a short password', { username: 'erin', password: 'short' }],
    ['a password containing the username', { username: 'erin', password: 'Erin-is-great' }],
    ['one of the most common passwords', { username: 'erin', password: 'Password123' }],
    ['a bad username', { username: 'e r/in', password: 'erin-password' }],
    ['a role (customers cannot choose one)', { username: 'erin', password: 'erin-password', role: 'admin' }],
    ['a bad email', { username: 'erin', password: 'erin-password', email: 'not-an-email' }],
    ['a missing password', { username: 'erin' }],
  ])('answers 400 for %s', async (_, body) => {
    const response = await signUp(body);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('VALIDATION_ERROR');
  });
});

describe('creating users in bulk', () => {
  it('creates all of them as an admin, roles included', async () => {
    const response = await t.call({
      method: 'POST',
      url: '/api/v1/users/createWithList',
      token: admin,
      body: [
        { username: 'bulk1', password: 'bulk-password' },
        { username: 'bulk2', password: 'bulk-password', role: 'admin' },
      ],
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().map((u: { role: string }) => u.role)).toEqual(['customer', 'admin']);
  });

  it('creates none of them when one fails', async () => {
    const response = await t.call({
      method: 'POST',
      url: '/api/v1/users/createWithList',
      token: admin,
      body: [
        { username: 'bulk3', password: 'bulk-password' },
        { username: 'bulk1', password: 'bulk-password' },
      ],
    });
    expect(response.statusCode).toBe(409);
    expect((await t.call({ method: 'GET', url: '/api/v1/users/bulk3', token: admin })).statusCode).toBe(404);
  });

  it('is for admins only', async () => {
    const customer = await t.customer();
    const body = [{ username: 'bulk9', password: 'bulk-password' }];
    expect((await t.call({ method: 'POST', url: '/api/v1/users/createWithList', body })).statusCode).toBe(
      401,
    );
    expect(
      (await t.call({ method: 'POST', url: '/api/v1/users/createWithList', body, token: customer.token }))
        .statusCode,
    ).toBe(403);
    expect(
      (await t.call({ method: 'POST', url: '/api/v1/users/createWithList', body: [], token: admin }))
        .statusCode,
    ).toBe(400);
  });
});

describe('reading users', () => {
  it('lists users for an admin only, paged', async () => {
    const customer = await t.customer();
    const page = await t.call({ method: 'GET', url: '/api/v1/users?limit=2', token: admin });
    expect(page.statusCode).toBe(200);
    expect(page.json().items).toHaveLength(2);
    expect(page.json().nextCursor).toEqual(expect.any(String));
    expect((await t.call({ method: 'GET', url: '/api/v1/users', token: customer.token })).statusCode).toBe(
      403,
    );
    expect((await t.call({ method: 'GET', url: '/api/v1/users' })).statusCode).toBe(401);
  });

  it('shows the caller at /users/me', async () => {
    const customer = await t.customer();
    const me = await t.call({ method: 'GET', url: '/api/v1/users/me', token: customer.token });
    expect(me.json()).toMatchObject({ username: customer.username, id: customer.userId, role: 'customer' });
    expect((await t.call({ method: 'GET', url: '/api/v1/users/me' })).statusCode).toBe(401);
  });

  it('lets a user read themselves, an admin anyone, and refuses others with 403', async () => {
    const a = await t.customer();
    const b = await t.customer();
    expect(
      (await t.call({ method: 'GET', url: `/api/v1/users/${a.username}`, token: a.token })).statusCode,
    ).toBe(200);
    expect(
      (await t.call({ method: 'GET', url: `/api/v1/users/${a.username}`, token: admin })).statusCode,
    ).toBe(200);
    expect(
      (await t.call({ method: 'GET', url: `/api/v1/users/${a.username}`, token: b.token })).statusCode,
    ).toBe(403);
    expect((await t.call({ method: 'GET', url: `/api/v1/users/${a.username}` })).statusCode).toBe(401);
    expect((await t.call({ method: 'GET', url: '/api/v1/users/nobody-here', token: admin })).statusCode).toBe(
      404,
    );
    expect((await t.call({ method: 'GET', url: '/api/v1/users/x', token: admin })).statusCode).toBe(400);
  });
});

describe('updating users', () => {
  it('lets a user change their profile but not their role', async () => {
    const a = await t.customer();
    const url = `/api/v1/users/${a.username}`;
    const updated = await t.call({
      method: 'PUT',
      url,
      token: a.token,
      body: { firstName: 'Ann', phone: '+1 555 0100' },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ firstName: 'Ann', phone: '+1 555 0100', role: 'customer' });
    const promote = await t.call({ method: 'PUT', url, token: a.token, body: { role: 'admin' } });
    expect(promote.statusCode).toBe(403);
    expect(
      (await t.call({ method: 'PUT', url, token: a.token, body: { role: 'customer' } })).statusCode,
    ).toBe(200);
    expect(
      (await t.call({ method: 'PUT', url, token: a.token, body: { username: 'renamed' } })).statusCode,
    ).toBe(400);
    const other = await t.customer();
    expect(
      (await t.call({ method: 'PUT', url, token: other.token, body: { firstName: 'X' } })).statusCode,
    ).toBe(403);
    expect(
      (await t.call({ method: 'PUT', url: '/api/v1/users/nobody-here', token: admin, body: {} })).statusCode,
    ).toBe(404);
  });

  it('lets an admin change a role, but never demote the last admin', async () => {
    const a = await t.customer();
    const promoted = await t.call({
      method: 'PUT',
      url: `/api/v1/users/${a.username}`,
      token: admin,
      body: { role: 'admin' },
    });
    expect(promoted.json().role).toBe('admin');
    const demoted = await t.call({
      method: 'PUT',
      url: `/api/v1/users/${a.username}`,
      token: admin,
      body: { role: 'customer' },
    });
    expect(demoted.json().role).toBe('customer');
  });

  it('ends the other sessions of an account whose password changes, and the new password works', async () => {
    const a = await t.customer();
    const second = await t.login(a.username, 'customer-password-1');
    const url = `/api/v1/users/${a.username}`;
    expect(
      (await t.call({ method: 'PUT', url, token: a.token, body: { password: 'brand-new-password' } }))
        .statusCode,
    ).toBe(200);
    expect((await t.call({ method: 'GET', url: '/api/v1/users/me', token: a.token })).statusCode).toBe(200);
    const stale = await t.call({ method: 'GET', url: '/api/v1/users/me', token: second });
    expect(stale.statusCode).toBe(401);
    expect(stale.json().code).toBe('SESSION_REVOKED');
    await expect(t.login(a.username, 'brand-new-password')).resolves.toEqual(expect.any(String));
  });
});

describe('deleting users', () => {
  it('ends the user’s sessions and cancels their orders, releasing the pets', async () => {
    const a = await t.customer();
    const pet = await createPet(t);
    await t.call({ method: 'POST', url: '/api/v1/store/order', token: a.token, body: { petId: pet.id } });
    const other = await t.customer();
    expect(
      (await t.call({ method: 'DELETE', url: `/api/v1/users/${a.username}`, token: other.token })).statusCode,
    ).toBe(403);
    expect((await t.call({ method: 'DELETE', url: `/api/v1/users/${a.username}` })).statusCode).toBe(401);
    expect(
      (await t.call({ method: 'DELETE', url: `/api/v1/users/${a.username}`, token: a.token })).statusCode,
    ).toBe(204);
    const after = await t.call({ method: 'GET', url: '/api/v1/users/me', token: a.token });
    expect(after.statusCode).toBe(401);
    expect((await t.call({ method: 'GET', url: `/api/v1/pets/${pet.id}` })).json().status).toBe('available');
    expect(
      (await t.call({ method: 'GET', url: `/api/v1/users/${a.username}`, token: admin })).statusCode,
    ).toBe(404);
  });

  it('lets an admin delete anyone but refuses to delete the last admin (409)', async () => {
    const a = await t.customer();
    expect(
      (await t.call({ method: 'DELETE', url: `/api/v1/users/${a.username}`, token: admin })).statusCode,
    ).toBe(204);
    expect(
      (await t.call({ method: 'DELETE', url: '/api/v1/users/nobody-here', token: admin })).statusCode,
    ).toBe(404);
    const admins = (await t.call({ method: 'GET', url: '/api/v1/users?limit=100', token: admin }))
      .json()
      .items.filter((u: { role: string }) => u.role === 'admin');
    for (const other of admins.filter((u: { username: string }) => u.username !== ADMIN.username)) {
      expect(
        (await t.call({ method: 'DELETE', url: `/api/v1/users/${other.username}`, token: admin })).statusCode,
      ).toBe(204);
    }
    const last = await t.call({ method: 'DELETE', url: `/api/v1/users/${ADMIN.username}`, token: admin });
    expect(last.statusCode).toBe(409);
    expect(last.json().code).toBe('LAST_ADMIN');
    const demote = await t.call({
      method: 'PUT',
      url: `/api/v1/users/${ADMIN.username}`,
      token: admin,
      body: { role: 'customer' },
    });
    expect(demote.statusCode).toBe(409);
  });
});
