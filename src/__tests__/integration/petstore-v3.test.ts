import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CLIENT_DIR, generateTypes, programFunction, ROOT, typeErrors } from '../helpers/generated-types.js';
import { ADMIN, startTestApp, type TestApp } from '../helpers/test-app.js';
import { until } from '../helpers/until.js';

/** The official Swagger Petstore v3 document, beside the project (never copied into it). */
const OFFICIAL = process.env.PETSTORE3_OPENAPI ?? join(ROOT, '../shared/petstore3-openapi.yaml');
const present = existsSync(OFFICIAL);
// The reference lives outside the repository; a checkout elsewhere skips loudly, unless it was named explicitly.
if (!present) {
  if (process.env.PETSTORE3_OPENAPI)
    throw new Error(`PETSTORE3_OPENAPI names ${OFFICIAL}, which is missing.`);
  console.warn(`\n!! ${OFFICIAL} is missing: the Swagger Petstore v3 client suite is SKIPPED.\n`);
}
const suite = present ? describe : describe.skip;

interface Notification {
  event: string;
  topic?: string;
  payload: { id?: number };
}

/** An admin's socket on `pets`, `inventory` and `orders`, collecting every notification. */
async function watch(url: string, token: string) {
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  const seen: Notification[] = [];
  const subscribed = new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'notification' && frame.event === 'connect') {
        socket.send(
          JSON.stringify({
            type: 'request',
            correlationId: 'subscribe',
            timestamp: Date.now(),
            action: 'subscribe',
            payload: { topics: ['pets', 'inventory', 'orders'] },
          }),
        );
      } else if (frame.type === 'response' && frame.correlationId === 'subscribe') {
        if (frame.status === 'success') resolve();
        else reject(new Error(JSON.stringify(frame)));
      } else if (frame.type === 'notification') seen.push(frame);
    });
    socket.on('error', reject);
  });
  await subscribed;
  return { seen, close: () => socket.close() };
}

suite('a client generated from the official Swagger Petstore v3 document, against /api/v3', () => {
  let t: TestApp;
  let scratch: string;

  beforeAll(async () => {
    t = await startTestApp();
    scratch = await mkdtemp(join(tmpdir(), 'petstore-v3-'));
    // The official document fails Redocly's `security-defined` rule, which openapi-typescript applies by default.
    const redocly = join(scratch, 'redocly.yaml');
    await writeFile(redocly, 'extends:\n  - minimal\nrules:\n  security-defined: off\n');
    await generateTypes(OFFICIAL, 'petstore3', scratch, ['--redocly', redocly]);
  }, 60_000);

  afterAll(async () => {
    await t.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('typechecks a program that calls all 19 official operations', () => {
    expect(typeErrors(join(CLIENT_DIR, 'official-program.ts'))).toEqual([]);
  }, 120_000);

  it('runs them, in JSON, XML and forms, and every write arrives on /ws', async () => {
    const { http, ws } = await t.listen();
    const watcher = await watch(ws, await t.adminToken());
    const useOfficialOperations = await programFunction('official-program.js', 'useOfficialOperations');
    const outcome = await useOfficialOperations(`${http}/api/v3`, ADMIN, String(process.pid));
    const petId = outcome.added.id as number;

    expect(outcome.login.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(Number(outcome.login.rateLimit)).toBeGreaterThan(0);
    expect(Date.parse(outcome.login.expiresAfter as string)).toBeGreaterThan(Date.now());
    // The official shape, and nothing more: no version, no timestamps; the server numbers the pet.
    expect(Object.keys(outcome.added).sort()).toEqual([
      'category',
      'id',
      'name',
      'photoUrls',
      'status',
      'tags',
    ]);
    expect(outcome.added).toMatchObject({
      photoUrls: ['https://example.com/doggie.png'],
      status: 'available',
    });
    expect(outcome.added.tags.map((tag: { name: string }) => tag.name)).toEqual([
      expect.stringMatching(/^tag1-/),
    ]);
    expect(outcome.replaced.name).toMatch(/-2$/);
    expect(outcome.byStatus).toContain(petId);
    expect(outcome.byTags).toEqual([petId]);
    expect(outcome.fetched).toEqual(outcome.replaced);
    expect(outcome.renamed.name).toMatch(/^renamed-/);
    expect(outcome.uploaded).toMatchObject({ code: 200, type: 'image' });

    expect(outcome.xml.added).toMatchObject({ name: expect.stringMatching(/^xml-/), status: 'available' });
    expect(outcome.xml.added.photoUrls.photoUrl).toEqual(['https://example.com/x.png']);
    expect(outcome.xml.added.tags.tag).toEqual([{ id: expect.any(Number), name: 'xml' }]);
    expect(outcome.xml.replaced).toMatchObject({ id: outcome.xmlPetId, name: expect.stringMatching(/-2$/) });
    expect(outcome.xml.fetched).toMatchObject({
      id: outcome.xmlPetId,
      photoUrls: outcome.xml.replaced.photoUrls,
    });
    expect(outcome.xml.byStatus).toContain(outcome.xmlPetId);
    expect(outcome.xml.byTags).toEqual([outcome.xmlPetId]);
    expect(outcome.xml.renamed).toMatchObject({ id: outcome.xmlPetId, name: expect.stringMatching(/-3$/) });
    expect(outcome.xml.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(outcome.xml.order).toMatchObject({ petId, status: 'placed', complete: false });
    expect(outcome.xml.user).toMatchObject({ username: expect.stringMatching(/^official_/) });
    expect(outcome.xml.createdUser.username).toMatch(/^official_x_/);
    expect(outcome.xml.orderStatus).toBe(200);
    expect(outcome.xml.updatedUser).toBe(200);
    expect(outcome.form.added).toMatchObject({ name: expect.stringMatching(/^form-/), status: 'sold' });
    expect(outcome.form.replaced).toMatchObject({
      id: outcome.form.added.id,
      status: 'available',
      photoUrls: [],
    });
    expect(outcome.form.createdUser).toMatchObject({ phone: '12345' });
    expect(outcome.form.orderStatus).toBe(200);
    expect(outcome.form.updatedUser).toBe(200);

    expect(outcome.inventory.available).toBeGreaterThanOrEqual(1);
    expect(outcome.created).toMatchObject({ firstName: 'John', userStatus: 1 });
    expect(outcome.created.id).not.toBe(99);
    expect(outcome.created).not.toHaveProperty('password');
    // The server decides an order's status; the one sent is ignored.
    expect(outcome.order).toMatchObject({ petId, quantity: 2, status: 'placed', complete: false });
    expect(outcome.fetchedOrder).toEqual(outcome.order);
    expect(outcome.deletedOrder).toBe(200);
    expect(outcome.fetchedUser).toMatchObject({
      username: expect.stringMatching(/^official_/),
      firstName: 'John',
    });
    expect(outcome.updatedUser).toBe(200);
    expect(outcome.xml.user).toMatchObject({ lastName: 'James', phone: 555, firstName: 'Johnny' });
    expect(outcome.createdList.username).toMatch(/^list_b_/);
    expect(outcome.loggedOut).toBe(200);
    expect(outcome.afterLogout).toBe(401);
    expect(outcome.deletedUser).toBe(200);
    expect(outcome.deletedPet).toBe(200);
    expect(outcome.afterDelete).toBe(404);

    // The same change feed as /api/v1: every write is on the socket.
    const events = (event: string, id?: number) =>
      watcher.seen.filter((seen) => seen.event === event && (id === undefined || seen.payload.id === id));
    await until(() => events('pet.deleted', petId).length === 1);
    expect(events('pet.created').map((seen) => seen.payload.id)).toEqual(
      expect.arrayContaining([petId, outcome.xmlPetId, outcome.form.added.id]),
    );
    expect(events('pet.updated', petId).length).toBeGreaterThanOrEqual(3);
    expect(events('order.placed').map((seen) => seen.payload.id)).toContain(outcome.order.id);
    expect(events('order.deleted', outcome.order.id)).toHaveLength(1);
    expect(events('inventory.changed').length).toBeGreaterThan(0);
    watcher.close();
  }, 120_000);
});

describe('/api/v3 refuses what /api/v1 refuses', () => {
  let t: TestApp;
  let admin: string;
  let customer: { token: string; username: string };
  let other: { token: string; username: string };
  let orderId: number;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.adminToken();
    customer = await t.customer('v3owner');
    other = await t.customer('v3other');
    const pet = await t.call({
      method: 'POST',
      url: '/api/v3/pet',
      token: admin,
      body: { name: 'Held', photoUrls: [] },
    });
    const order = await t.call({
      method: 'POST',
      url: '/api/v3/store/order',
      token: customer.token,
      body: { petId: pet.json().id, quantity: 1 },
    });
    orderId = order.json().id;
  });
  afterAll(() => t.close());

  const pet = { name: 'Nope', photoUrls: [] };
  it.each([
    ['anyone', 'POST', '/api/v3/pet', 401, pet],
    ['a customer', 'POST', '/api/v3/pet', 403, pet],
    ['a customer', 'PUT', '/api/v3/pet', 403, { ...pet, id: 1 }],
    ['a customer', 'POST', '/api/v3/pet/1?name=x', 403, undefined],
    ['a customer', 'DELETE', '/api/v3/pet/1', 403, undefined],
    ['anyone', 'POST', '/api/v3/store/order', 401, { petId: 1 }],
    ['anyone', 'GET', '/api/v3/user/logout', 401, undefined],
    ['a customer', 'POST', '/api/v3/user/createWithList', 403, [{ username: 'xx1', password: 'password-1' }]],
  ] as const)('%s: %s %s is %d', async (who, method, url, status, body) => {
    const token = who === 'anyone' ? undefined : customer.token;
    const response = await t.call({ method, url, ...(token ? { token } : {}), ...(body ? { body } : {}) });
    expect(response.statusCode).toBe(status);
    expect(response.json().code).toBe(status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  });

  it("keeps someone else's order a 404 and someone else's account a 403", async () => {
    const order = await t.call({ method: 'GET', url: `/api/v3/store/order/${orderId}`, token: other.token });
    expect(order.statusCode).toBe(404);
    const cancel = await t.call({
      method: 'DELETE',
      url: `/api/v3/store/order/${orderId}`,
      token: other.token,
    });
    expect(cancel.statusCode).toBe(404);
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      const response = await t.call({
        method,
        url: `/api/v3/user/${customer.username}`,
        token: other.token,
        ...(method === 'PUT' ? { body: { username: customer.username, lastName: 'X' } } : {}),
      });
      expect([method, response.statusCode]).toEqual([method, 403]);
    }
    expect(
      (await t.call({ method: 'GET', url: `/api/v3/store/order/${orderId}`, token: admin })).statusCode,
    ).toBe(200);
  });

  it('takes the token as api_key too, and refuses a bad one', async () => {
    const me = await t.call({
      method: 'GET',
      url: `/api/v3/user/${customer.username}`,
      headers: { api_key: customer.token },
    });
    expect(me.json()).toMatchObject({ username: customer.username });
    const bad = await t.call({ method: 'GET', url: '/api/v3/pet/1', headers: { api_key: 'not a token' } });
    expect(bad.statusCode).toBe(401);
    // api_key is the official mount's: /api/v1 reads only Authorization.
    const v1 = await t.call({ method: 'GET', url: '/api/v1/users/me', headers: { api_key: customer.token } });
    expect(v1.statusCode).toBe(401);
  });

  it.each([
    ['malformed XML', 400, 'application/xml', '<pet><name>Rex</name', 'VALIDATION_ERROR'],
    ['XML with two roots', 400, 'application/xml', '<pet/><pet/>', 'VALIDATION_ERROR'],
    ['a pet without a name', 400, 'application/json', '{"photoUrls":[]}', 'VALIDATION_ERROR'],
    [
      'an unknown field',
      400,
      'application/json',
      '{"name":"Rex","photoUrls":[],"owner":"me"}',
      'VALIDATION_ERROR',
    ],
    [
      'a photo URL that is not one',
      400,
      'application/x-www-form-urlencoded',
      'name=Rex&photoUrls=nope',
      'VALIDATION_ERROR',
    ],
    [
      'XML with a document type',
      400,
      'application/xml',
      '<!DOCTYPE pet [<!ENTITY a "aaaaaaaaaa">]><pet><name>&a;</name></pet>',
      'VALIDATION_ERROR',
    ],
    [
      'a form field named __proto__',
      400,
      'application/x-www-form-urlencoded',
      'name=Rex&__proto__=x',
      'VALIDATION_ERROR',
    ],
    ['text/plain', 415, 'text/plain', 'Rex', 'UNSUPPORTED_MEDIA_TYPE'],
    ['multipart', 415, 'multipart/form-data; boundary=x', '--x--', 'UNSUPPORTED_MEDIA_TYPE'],
  ])('answers %s with %d, and stores nothing', async (_what, status, type, payload, code) => {
    const before = (await t.call({ method: 'GET', url: '/api/v3/store/inventory' })).json();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v3/pet',
      headers: { authorization: `Bearer ${admin}`, 'content-type': type },
      payload,
    });
    expect(response.statusCode).toBe(status);
    expect(response.json().code).toBe(code);
    expect((await t.call({ method: 'GET', url: '/api/v3/store/inventory' })).json()).toEqual(before);
  });

  it('answers XML only to a client that prefers it', async () => {
    const asked = async (accept: string) =>
      (
        await t.call({
          method: 'GET',
          url: '/api/v3/store/order/' + orderId,
          token: admin,
          headers: { accept },
        })
      ).headers['content-type'];
    expect(await asked('application/xml')).toMatch(/^application\/xml/);
    expect(await asked('application/json, application/xml')).toMatch(/^application\/json/);
    expect(await asked('application/xml;q=0.5, application/json')).toMatch(/^application\/json/);
    expect(await asked('*/*')).toMatch(/^application\/json/);
  });

  it('says its answers vary with Accept, and revalidates them with their ETag', async () => {
    const url = `/api/v3/store/order/${orderId}`;
    const first = await t.call({ method: 'GET', url, token: admin, headers: { accept: 'application/xml' } });
    expect(first.headers.vary).toBe('Accept');
    const again = await t.call({
      method: 'GET',
      url,
      token: admin,
      headers: { accept: 'application/xml', 'if-none-match': String(first.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    const json = await t.call({
      method: 'GET',
      url,
      token: admin,
      headers: { 'if-none-match': String(first.headers.etag) },
    });
    expect(json.statusCode).toBe(200);
  });
});
