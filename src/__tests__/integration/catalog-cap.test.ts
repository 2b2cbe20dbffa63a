import { Writable } from 'node:stream';
import type { Pet } from '../../schemas/pets.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** Past CATALOG_MAX_PETS a node drops its catalog and reads the database: the answers stay the same. */
describe('the catalog cap', () => {
  let t: TestApp;
  let logged = '';
  afterEach(() => t?.close());

  const health = async () => (await t.call({ method: 'GET', url: '/health' })).json().catalog;
  const names = async () =>
    ((await t.call({ method: 'GET', url: '/api/v1/pets?limit=10' })).json().items as Pet[]).map(
      (pet) => pet.name,
    );

  it('serves from memory up to the cap, then from the database, saying so in /health and the log', async () => {
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    t = await startTestApp({ CATALOG_MAX_PETS: '2', LOG_LEVEL: 'warn' }, { logStream });
    const token = await t.adminToken();
    const create = (name: string) => t.call({ method: 'POST', url: '/api/v1/pets', token, body: { name } });

    await create('one');
    await create('two');
    expect(await health()).toMatchObject({ source: 'memory', pets: 2 });
    expect(await names()).toEqual(['one', 'two']);

    const third = await create('three');
    expect(third.statusCode).toBe(201);
    expect(await health()).toEqual({
      source: 'database',
      reason: 'over-cap',
      pets: 3,
      lagEvents: 0,
      lagSeconds: 0,
    });
    expect(logged).toContain('CATALOG_MAX_PETS');
    expect(await names()).toEqual(['one', 'two', 'three']);
    const read = await t.call({ method: 'GET', url: `/api/v1/pets/${third.json().id}` });
    expect(read.json().name).toBe('three');
    expect(Number(read.headers['x-event-seq'])).toBe(Number(third.headers['x-event-seq']));
    // A pet the database does not hold is a 404 that says as of which seq, as the catalog's is.
    const missing = await t.call({ method: 'GET', url: '/api/v1/pets/999999' });
    expect(missing.statusCode).toBe(404);
    expect(Number(missing.headers['x-event-seq'])).toBe(Number(third.headers['x-event-seq']));

    // A restart over the cap does not load the catalog at all.
    await t.restart();
    expect(await health()).toMatchObject({ source: 'database', reason: 'over-cap', pets: 3 });
    expect(await names()).toEqual(['one', 'two', 'three']);
  });
});
