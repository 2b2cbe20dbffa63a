import { multipart } from '../helpers/multipart.js';
import { createPet, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: string;
let customer: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = await t.adminToken();
  customer = (await t.customer()).token;
});
afterAll(() => t.close());

describe('creating pets', () => {
  it('creates a pet with 201, Location, ETag, X-Event-Seq and finds or creates category and tags by name', async () => {
    const response = await t.call({
      method: 'POST',
      url: '/api/v1/pets',
      token: admin,
      body: { name: 'Biscuit', category: { name: 'Dogs' }, tags: [{ name: 'good' }, { name: 'fluffy' }] },
    });
    expect(response.statusCode).toBe(201);
    const pet = response.json();
    expect(pet).toMatchObject({
      name: 'Biscuit',
      category: { name: 'Dogs' },
      tags: [{ name: 'good' }, { name: 'fluffy' }],
      photoUrls: [],
      status: 'available',
      version: 1,
    });
    expect(response.headers.location).toBe(`/api/v1/pets/${pet.id}`);
    expect(response.headers.etag).toBe('"1"');
    expect(Number(response.headers['x-event-seq'])).toBeGreaterThan(0);

    const again = await createPet(t, {
      name: 'Pixel',
      category: { name: 'Dogs' },
      tags: [{ id: pet.tags[0].id }],
    });
    expect(again).toMatchObject({ category: pet.category, tags: [pet.tags[0]] });
  });

  it('refuses an unknown category or tag id with 400', async () => {
    for (const body of [{ category: { id: 999999 } }, { tags: [{ id: 999999 }] }]) {
      const response = await t.call({
        method: 'POST',
        url: '/api/v1/pets',
        token: admin,
        body: { name: 'X', ...body },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toMatch(/^UNKNOWN_(CATEGORY|TAG)$/);
    }
  });

  it('refuses anonymous callers with 401 and customers with 403', async () => {
    const anonymous = await t.call({ method: 'POST', url: '/api/v1/pets', body: { name: 'X' } });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({
      statusCode: 401,
      code: 'UNAUTHENTICATED',
      error: 'Unauthorized',
    });
    const byCustomer = await t.call({
      method: 'POST',
      url: '/api/v1/pets',
      token: customer,
      body: { name: 'X' },
    });
    expect(byCustomer.statusCode).toBe(403);
    expect(byCustomer.json().code).toBe('FORBIDDEN');
  });

  it.each([
    ['a missing name', {}],
    ['a wrong type', { name: 42 }],
    ['an empty name', { name: '' }],
    ['a name over 100 characters', { name: 'x'.repeat(101) }],
    ['an unknown field', { name: 'Rex', owner: 'me' }],
    ['a NUL character (PostgreSQL cannot store one)', { name: 'Re\u0000x' }],
    ['an unknown status', { name: 'Rex', status: 'lost' }],
    ['a javascript: photo URL', { name: 'Rex', photoUrls: ['javascript:alert(1)'] }],
    ['a category without id or name', { name: 'Rex', category: {} }],
    ['too many tags', { name: 'Rex', tags: Array.from({ length: 21 }, (_, i) => ({ name: `t${i}` })) }],
  ])('answers 400 VALIDATION_ERROR with details for %s', async (_, body) => {
    const response = await t.call({ method: 'POST', url: '/api/v1/pets', token: admin, body });
    expect(response.statusCode).toBe(400);
    const error = response.json();
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.details.length).toBeGreaterThan(0);
    expect(error.details[0]).toEqual({ path: expect.any(String), message: expect.any(String) });
  });

  it('answers 400 MALFORMED_JSON for broken JSON and 415 for a wrong content type', async () => {
    const malformed = await t.call({
      method: 'POST',
      url: '/api/v1/pets',
      token: admin,
      body: '{"name": "Rex"',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('MALFORMED_JSON');
    const wrongType = await t.call({
      method: 'POST',
      url: '/api/v1/pets',
      token: admin,
      body: 'name=Rex',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    // Multipart is parsed by the image upload alone.
    const { body, headers } = multipart([{ name: 'name', value: 'Rex' }]);
    const form = await t.call({ method: 'POST', url: '/api/v1/pets', token: admin, body, headers });
    expect(form.statusCode).toBe(415);
    expect(form.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    for (const type of ['text/plain', 'text/plain; charset=utf-8', 'application/xml']) {
      const refused = await t.call({
        method: 'POST',
        url: '/api/v1/pets',
        token: admin,
        body: '{"name":"Rex"}',
        headers: { 'content-type': type },
      });
      expect([type, refused.statusCode, refused.json().code]).toEqual([type, 415, 'UNSUPPORTED_MEDIA_TYPE']);
    }
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over the limit, and stores nothing', async () => {
    const before = (await t.call({ method: 'GET', url: '/api/v1/store/inventory' })).json();
    const response = await t.call({
      method: 'POST',
      url: '/api/v1/pets',
      token: admin,
      body: JSON.stringify({
        name: 'Rex',
        photoUrls: ['https://example.com/' + 'a'.repeat(2 * 1024 * 1024)],
      }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('PAYLOAD_TOO_LARGE');
    expect((await t.call({ method: 'GET', url: '/api/v1/store/inventory' })).json()).toEqual(before);
  });
});

describe('reading pets', () => {
  let ids: number[];

  beforeAll(async () => {
    const made = [
      await createPet(t, {
        name: 'Alpha Wolf',
        status: 'available',
        category: { name: 'Wolves' },
        tags: [{ name: 'wild' }],
      }),
      await createPet(t, {
        name: 'beta wolf',
        status: 'pending',
        category: { name: 'Wolves' },
        tags: [{ name: 'shy' }],
      }),
      await createPet(t, {
        name: 'Gamma',
        status: 'sold',
        category: { name: 'Cats' },
        tags: [{ name: 'wild' }],
      }),
      await createPet(t, { name: '100%_real', status: 'sold' }),
    ];
    ids = made.map((pet) => pet.id);
  });

  it('gets one pet with its ETag and X-Event-Seq', async () => {
    const response = await t.call({ method: 'GET', url: `/api/v1/pets/${ids[0]}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: ids[0], name: 'Alpha Wolf' });
    expect(response.headers.etag).toBe('"1"');
    expect(response.headers['x-event-seq']).toMatch(/^\d+$/);
  });

  it.each([
    ['an unknown id', '/api/v1/pets/999999', 404, 'PET_NOT_FOUND'],
    ['a negative id', '/api/v1/pets/-1', 400, 'VALIDATION_ERROR'],
    ['a zero id', '/api/v1/pets/0', 400, 'VALIDATION_ERROR'],
    ['a huge id', '/api/v1/pets/99999999999999999999999', 400, 'VALIDATION_ERROR'],
    ['a non-numeric id', '/api/v1/pets/abc', 400, 'VALIDATION_ERROR'],
    ['a fractional id', '/api/v1/pets/1.5', 400, 'VALIDATION_ERROR'],
  ])('answers %s (%s) with %i', async (_, url, status, code) => {
    const response = await t.call({ method: 'GET', url });
    expect(response.statusCode).toBe(status);
    expect(response.json().code).toBe(code);
  });

  it('filters by several statuses, category, tag and name substring (any case, wildcards literal)', async () => {
    const list = async (query: string) =>
      (await t.call({ method: 'GET', url: `/api/v1/pets?limit=100&${query}` }))
        .json()
        .items.map((p: { id: number }) => p.id);
    expect(await list('status=pending,sold&category=Wolves')).toEqual([ids[1]]);
    // The same kinds of filter with other values: a query of this shape is compiled once, run with new values.
    expect(await list('status=available,sold&category=Cats')).toEqual([ids[2]]);
    expect(await list('tags=wild')).toEqual(expect.arrayContaining([ids[0], ids[2]]));
    expect(await list('tags=wild&status=available')).toEqual([ids[0]]);
    expect(await list('name=WOLF')).toEqual([ids[0], ids[1]]);
    expect(await list('name=%25_')).toEqual([ids[3]]);
    expect(await list('name=0%25_r')).toEqual([ids[3]]);
  });

  it('pages with limit and an opaque cursor until nextCursor is null', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/pets?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.call({ method: 'GET', url })).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((p: { id: number }) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(ids));
  });

  it.each([
    ['limit=0'],
    ['limit=101'],
    ['limit=abc'],
    ['cursor=not-a-cursor'],
    ['cursor=' + Buffer.from('id:-5').toString('base64url')],
    ['status=lost'],
    ['status=,'],
  ])('answers 400 for %s', async (query) => {
    const response = await t.call({ method: 'GET', url: `/api/v1/pets?${query}` });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toMatch(/^(VALIDATION_ERROR|INVALID_CURSOR)$/);
  });

  it('finds by status and by tags as bare arrays', async () => {
    const byStatus = await t.call({ method: 'GET', url: '/api/v1/pets/findByStatus?status=pending' });
    expect(byStatus.statusCode).toBe(200);
    expect(byStatus.json().every((pet: { status: string }) => pet.status === 'pending')).toBe(true);
    expect(byStatus.json().map((pet: { id: number }) => pet.id)).toContain(ids[1]);
    const byTags = await t.call({ method: 'GET', url: '/api/v1/pets/findByTags?tags=shy,wild' });
    expect(byTags.json().map((pet: { id: number }) => pet.id)).toEqual(
      expect.arrayContaining([ids[0], ids[1], ids[2]]),
    );
    expect((await t.call({ method: 'GET', url: '/api/v1/pets/findByStatus' })).statusCode).toBe(400);
    expect((await t.call({ method: 'GET', url: '/api/v1/pets/findByTags' })).statusCode).toBe(400);
  });
});

describe('changing pets', () => {
  it('replaces with PUT (omitted fields take defaults) and bumps the version', async () => {
    const pet = await createPet(t, { name: 'Old', tags: [{ name: 'a' }], category: { name: 'Dogs' } });
    const response = await t.call({
      method: 'PUT',
      url: `/api/v1/pets/${pet.id}`,
      token: admin,
      body: { name: 'New' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      name: 'New',
      tags: [],
      category: null,
      status: 'available',
      version: 2,
    });
    expect(response.headers.etag).toBe('"2"');
  });

  it('patches only the given fields', async () => {
    const pet = await createPet(t, { name: 'Patchy', tags: [{ name: 'a' }] });
    const response = await t.call({
      method: 'PATCH',
      url: `/api/v1/pets/${pet.id}`,
      token: admin,
      body: { status: 'sold' },
    });
    expect(response.json()).toMatchObject({
      name: 'Patchy',
      status: 'sold',
      tags: [{ name: 'a' }],
      version: 2,
    });
    const empty = await t.call({ method: 'PATCH', url: `/api/v1/pets/${pet.id}`, token: admin, body: {} });
    expect(empty.statusCode).toBe(400);
  });

  it('answers every kind of patch with exactly the pet a read then returns, byte for byte', async () => {
    const pet = await createPet(t, {
      category: { name: 'Patch dogs' },
      tags: [{ name: 'calm' }, { name: 'small' }],
      photoUrls: ['https://example.com/a.jpg'],
    });
    const patches: Array<Record<string, unknown>> = [
      { name: 'Renamed' },
      { status: 'pending' },
      { photoUrls: ['https://example.com/b.jpg', '/api/v1/pets/1/images/1'] },
      { name: ' Spaced ', status: 'available', photoUrls: [] },
      { category: { name: 'Patch cats' } },
      { category: null },
      { tags: [{ name: 'loud' }] },
      { name: 'Last', tags: [] },
    ];
    for (const patch of patches) {
      const patched = await t.call({
        method: 'PATCH',
        url: `/api/v1/pets/${pet.id}`,
        token: admin,
        body: patch,
      });
      expect(patched.statusCode).toBe(200);
      const read = await t.call({ method: 'GET', url: `/api/v1/pets/${pet.id}` });
      expect(patched.body).toBe(read.body);
      expect(patched.headers.etag).toBe(read.headers.etag);
    }
  });

  it('honours If-Match: a matching or * tag passes, a stale, weak or garbage tag gives 412', async () => {
    const pet = await createPet(t, { name: 'Tagged' });
    const patch = (ifMatch: string, name: string) =>
      t.call({
        method: 'PATCH',
        url: `/api/v1/pets/${pet.id}`,
        token: admin,
        body: { name },
        headers: { 'if-match': ifMatch },
      });
    expect((await patch('"1"', 'v2')).statusCode).toBe(200);
    const stale = await patch('"1"', 'v3');
    expect(stale.statusCode).toBe(412);
    expect(stale.json().code).toBe('PRECONDITION_FAILED');
    expect((await patch('W/"2"', 'v3')).statusCode).toBe(412);
    expect((await patch('garbage', 'v3')).statusCode).toBe(412);
    expect((await patch('"7", "2"', 'v3')).statusCode).toBe(200);
    expect((await patch('*', 'v4')).statusCode).toBe(200);
    const current = await t.call({ method: 'GET', url: `/api/v1/pets/${pet.id}` });
    expect(current.json()).toMatchObject({ name: 'v4', version: 4 });
    const staleDelete = await t.call({
      method: 'DELETE',
      url: `/api/v1/pets/${pet.id}`,
      token: admin,
      headers: { 'if-match': '"1"' },
    });
    expect(staleDelete.statusCode).toBe(412);
  });

  it('denies changes to anonymous (401) and customers (403), and answers 404 for unknown pets', async () => {
    const pet = await createPet(t);
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const body = method === 'DELETE' ? undefined : { name: 'Nope' };
      expect((await t.call({ method, url: `/api/v1/pets/${pet.id}`, body })).statusCode).toBe(401);
      expect(
        (await t.call({ method, url: `/api/v1/pets/${pet.id}`, body, token: customer })).statusCode,
      ).toBe(403);
      const missing = await t.call({ method, url: '/api/v1/pets/999999', body, token: admin });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().code).toBe('PET_NOT_FOUND');
    }
    expect((await t.call({ method: 'GET', url: `/api/v1/pets/${pet.id}` })).json().name).toBe('Rex');
  });

  it('deletes with 204, after which the pet is gone', async () => {
    const pet = await createPet(t);
    const response = await t.call({ method: 'DELETE', url: `/api/v1/pets/${pet.id}`, token: admin });
    expect(response.statusCode).toBe(204);
    expect(response.headers['x-event-seq']).toMatch(/^\d+$/);
    expect((await t.call({ method: 'GET', url: `/api/v1/pets/${pet.id}` })).statusCode).toBe(404);
  });

  it('refuses to delete, or change the status of, a pet held by an open order (409)', async () => {
    const pet = await createPet(t);
    const order = await t.call({
      method: 'POST',
      url: '/api/v1/store/order',
      token: customer,
      body: { petId: pet.id },
    });
    expect(order.statusCode).toBe(201);
    const deletion = await t.call({ method: 'DELETE', url: `/api/v1/pets/${pet.id}`, token: admin });
    expect(deletion.statusCode).toBe(409);
    expect(deletion.json().code).toBe('PET_HAS_OPEN_ORDER');
    const statusChange = await t.call({
      method: 'PATCH',
      url: `/api/v1/pets/${pet.id}`,
      token: admin,
      body: { status: 'available' },
    });
    expect(statusChange.statusCode).toBe(409);
    const rename = await t.call({
      method: 'PATCH',
      url: `/api/v1/pets/${pet.id}`,
      token: admin,
      body: { name: 'Still held' },
    });
    expect(rename.statusCode).toBe(200);
    expect(rename.json().status).toBe('pending');
  });
});
