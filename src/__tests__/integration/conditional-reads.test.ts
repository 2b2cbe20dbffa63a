import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('conditional reads and read-your-writes', () => {
  let t: TestApp;
  let admin: string;
  let customer: string;

  const addPet = async (name: string, status: string) =>
    (await t.call({ method: 'POST', url: '/api/v1/pets', token: admin, body: { name, status } })).json<{
      id: number;
    }>().id;
  const rename = (id: number, name: string) =>
    t.call({ method: 'PATCH', url: `/api/v1/pets/${id}`, token: admin, body: { name } });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.adminToken();
    customer = (await t.customer()).token;
  });
  afterAll(() => t.close());

  it('answers a pet read with its version as ETag, and 304 while If-None-Match still names it', async () => {
    const id = await addPet('Etag', 'available');
    const first = await t.call({ method: 'GET', url: `/api/v1/pets/${id}` });
    expect(first.headers.etag).toBe('"1"');
    expect(first.headers['cache-control']).toBe('no-cache');

    for (const ifNoneMatch of ['"1"', 'W/"1"', '"7", "1"', '*']) {
      const unchanged = await t.call({
        method: 'GET',
        url: `/api/v1/pets/${id}`,
        headers: { 'if-none-match': ifNoneMatch },
      });
      expect(unchanged.statusCode).toBe(304);
      expect(unchanged.body).toBe('');
      expect(unchanged.headers.etag).toBe('"1"');
      expect(unchanged.headers['content-length']).toBeUndefined();
      expect(Number(unchanged.headers['x-event-seq'])).toBe(Number(first.headers['x-event-seq']));
    }
    const other = await t.call({
      method: 'GET',
      url: `/api/v1/pets/${id}`,
      headers: { 'if-none-match': '"2"' },
    });
    expect(other.statusCode).toBe(200);

    await rename(id, 'Etag 2');
    const changed = await t.call({
      method: 'GET',
      url: `/api/v1/pets/${id}`,
      headers: { 'if-none-match': '"1"' },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).toBe('"2"');
    expect(changed.json()).toMatchObject({ name: 'Etag 2' });
  });

  it('gives a list an ETag that changes exactly when what the list shows does', async () => {
    const shown = await addPet('Listed', 'pending');
    const hidden = await addPet('Unlisted', 'sold');
    const url = '/api/v1/pets?status=pending&limit=100';
    const first = await t.call({ method: 'GET', url });
    const tag = first.headers.etag as string;
    expect(tag).toMatch(/^"[\w-]+"$/);

    await rename(hidden, 'Unlisted 2');
    const unchanged = await t.call({ method: 'GET', url, headers: { 'if-none-match': tag } });
    expect(unchanged.statusCode).toBe(304);
    // Still true as of the newer seq: a subscription from it misses nothing the list shows.
    expect(Number(unchanged.headers['x-event-seq'])).toBeGreaterThan(Number(first.headers['x-event-seq']));

    await rename(shown, 'Listed 2');
    const changed = await t.call({ method: 'GET', url, headers: { 'if-none-match': tag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(tag);

    for (const other of ['/api/v1/pets/findByStatus?status=pending', '/api/v1/store/inventory']) {
      const read = await t.call({ method: 'GET', url: other });
      const again = await t.call({
        method: 'GET',
        url: other,
        headers: { 'if-none-match': read.headers.etag as string },
      });
      expect(again.statusCode).toBe(304);
    }
  });

  it('keeps errors and writes unconditional', async () => {
    const missing = await t.call({
      method: 'GET',
      url: '/api/v1/pets/999999',
      headers: { 'if-none-match': '*' },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers.etag).toBeUndefined();
    const id = await addPet('Written', 'available');
    const write = await t.call({
      method: 'PATCH',
      url: `/api/v1/pets/${id}`,
      token: admin,
      body: { name: 'Written 2' },
      headers: { 'if-none-match': '*' },
    });
    expect(write.statusCode).toBe(200);
  });

  it('answers X-Min-Event-Seq up to the newest committed seq, and 400 SEQ_NOT_REACHED past it, for every caller', async () => {
    const id = await addPet('Fresh', 'available');
    const written = await rename(id, 'Fresh 2');
    const seq = Number(written.headers['x-event-seq']);
    for (const token of [undefined, customer, admin]) {
      const read = await t.call({
        method: 'GET',
        url: `/api/v1/pets/${id}`,
        ...(token ? { token } : {}),
        headers: { 'x-min-event-seq': String(seq) },
      });
      expect(read.statusCode).toBe(200);
      expect(Number(read.headers['x-event-seq'])).toBeGreaterThanOrEqual(seq);
      expect(read.json()).toMatchObject({ name: 'Fresh 2' });

      const ahead = await t.call({
        method: 'GET',
        url: '/api/v1/pets?limit=5',
        ...(token ? { token } : {}),
        headers: { 'x-min-event-seq': String(seq + 1000) },
      });
      expect(ahead.statusCode).toBe(400);
      expect(ahead.json()).toMatchObject({ code: 'SEQ_NOT_REACHED', statusCode: 400 });

      for (const bad of ['-1', 'abc', '1.5', '9'.repeat(20)]) {
        const malformed = await t.call({
          method: 'GET',
          url: '/api/v1/store/inventory',
          ...(token ? { token } : {}),
          headers: { 'x-min-event-seq': bad },
        });
        expect(malformed.statusCode).toBe(400);
        expect(malformed.json()).toMatchObject({
          code: 'VALIDATION_ERROR',
          details: [{ path: 'X-Min-Event-Seq' }],
        });
      }
    }
  });
});
