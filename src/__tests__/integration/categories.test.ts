import { RawSocket } from '../helpers/raw-socket.js';
import { createPet, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let url: string;
let admin: string;
let customer: string;

beforeAll(async () => {
  t = await startTestApp();
  url = (await t.listen()).ws;
  admin = await t.adminToken();
  customer = (await t.customer('carol')).token;
});
afterAll(() => t.close());

let names = 0;
const uniqueName = (prefix: string) => `${prefix} ${++names}`;
type Caller = string | undefined;
const createAs = (token: Caller, name: string) =>
  t.call({ method: 'POST', url: '/api/v1/categories', token, body: { name } });
const renameAs = (token: Caller, id: number, name: string) =>
  t.call({ method: 'PUT', url: `/api/v1/categories/${id}`, token, body: { name } });
const removeAs = (token: Caller, id: number) =>
  t.call({ method: 'DELETE', url: `/api/v1/categories/${id}`, token });
const create = (name: string) => createAs(admin, name);
const rename = (id: number, name: string) => renameAs(admin, id, name);
const remove = (id: number) => removeAs(admin, id);

describe('categories over REST', () => {
  it('creates with 201 and Location, lists by id with cursors, and finds one by id, for anyone to read', async () => {
    const created = await Promise.all([create(uniqueName('Birds')), create(uniqueName('Fish'))]);
    for (const response of created) {
      expect(response.statusCode).toBe(201);
      expect(response.headers.location).toBe(`/api/v1/categories/${response.json().id}`);
      expect(response.headers['x-event-seq']).toMatch(/^\d+$/);
    }
    const seen: Array<{ id: number; name: string }> = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=1&cursor=${cursor}` : '?limit=1';
      const page = await t.call({ method: 'GET', url: `/api/v1/categories${query}` });
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().items);
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(seen.map((category) => category.id)).toEqual(
      [...seen.map((category) => category.id)].sort((a, b) => a - b),
    );
    expect(seen).toEqual(expect.arrayContaining(created.map((response) => response.json())));
    const one = await t.call({ method: 'GET', url: `/api/v1/categories/${created[0]!.json().id}` });
    expect(one.json()).toEqual(created[0]!.json());
  });

  it('refuses a taken name, an unknown id, a bad body and a bad cursor with clear 4xx errors', async () => {
    const name = uniqueName('Reptiles');
    expect((await create(name)).statusCode).toBe(201);
    const taken = await create(name);
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'CATEGORY_EXISTS' });
    const other = (await create(uniqueName('Insects'))).json();
    expect((await rename(other.id, name)).json()).toMatchObject({ statusCode: 409, code: 'CATEGORY_EXISTS' });
    expect((await rename(999_999, uniqueName('x'))).json()).toMatchObject({ code: 'CATEGORY_NOT_FOUND' });
    expect((await remove(999_999)).statusCode).toBe(404);
    expect((await t.call({ method: 'GET', url: '/api/v1/categories/999999' })).statusCode).toBe(404);
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(51) }, { name: 'ok', extra: 1 }, { name: 7 }]) {
      const response = await t.call({ method: 'POST', url: '/api/v1/categories', token: admin, body });
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('VALIDATION_ERROR');
    }
    const badCursor = await t.call({ method: 'GET', url: '/api/v1/categories?cursor=nonsense' });
    expect(badCursor.json()).toMatchObject({ statusCode: 400, code: 'INVALID_CURSOR' });
  });

  it('lets only an admin create, rename or delete one', async () => {
    const category = (await create(uniqueName('Ferrets'))).json();
    for (const [token, status, code] of [
      [undefined, 401, 'UNAUTHENTICATED'],
      [customer, 403, 'FORBIDDEN'],
    ] as const) {
      expect((await createAs(token, uniqueName('Nope'))).json()).toMatchObject({ statusCode: status, code });
      expect((await renameAs(token, category.id, uniqueName('Nope'))).statusCode).toBe(status);
      expect((await removeAs(token, category.id)).statusCode).toBe(status);
    }
    expect((await t.call({ method: 'GET', url: `/api/v1/categories/${category.id}` })).json()).toEqual(
      category,
    );
  });

  it('refuses to delete a category while a pet uses it, and deletes it once none does', async () => {
    const name = uniqueName('Rabbits');
    const pet = await createPet(t, { category: { name } });
    const category = (await t.call({ method: 'GET', url: `/api/v1/pets/${pet.id}` })).json().category;
    const refused = await remove(category.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'CATEGORY_IN_USE' });
    expect((await t.call({ method: 'GET', url: `/api/v1/categories/${category.id}` })).statusCode).toBe(200);
    await t.call({ method: 'PATCH', url: `/api/v1/pets/${pet.id}`, token: admin, body: { category: null } });
    expect((await remove(category.id)).statusCode).toBe(204);
    expect((await t.call({ method: 'GET', url: `/api/v1/categories/${category.id}` })).statusCode).toBe(404);
  });

  it('renames a category and gives each of its pets a new version that reads the new name', async () => {
    const name = uniqueName('Hamsters');
    const pets = [await createPet(t, { category: { name } }), await createPet(t, { category: { name } })];
    const { id } = (await t.call({ method: 'GET', url: `/api/v1/pets/${pets[0]!.id}` })).json().category;
    const renamed = await rename(id, `${name} and gerbils`);
    expect(renamed.json()).toEqual({ id, name: `${name} and gerbils` });
    for (const pet of pets) {
      const now = (await t.call({ method: 'GET', url: `/api/v1/pets/${pet.id}` })).json();
      expect(now).toMatchObject({ version: pet.version + 1, category: { id, name: `${name} and gerbils` } });
    }
  });
});

describe('categories live', () => {
  it('sends category.created (also when a pet names a new one), category.updated with the pets it renames, and category.deleted', async () => {
    const socket = await RawSocket.open(url);
    const subscribed = await socket.request('subscribe', { topics: ['categories', 'pets'] });
    expect(subscribed.status).toBe('success');
    const name = uniqueName('Llamas');
    const pet = await createPet(t, { category: { name } });
    const created = await socket.next((frame) => frame.event === 'category.created');
    expect(created).toMatchObject({ topic: 'categories', payload: { name } });
    const petCreated = await socket.next((frame) => frame.event === 'pet.created');
    expect(petCreated.seq).toBeGreaterThan(created.seq as number);
    const { id } = created.payload as { id: number };
    await rename(id, `${name}!`);
    const updated = await socket.next((frame) => frame.event === 'category.updated');
    expect(updated.payload).toEqual({ id, name: `${name}!` });
    const petUpdated = await socket.next(
      (frame) => frame.event === 'pet.updated' && frame.seq! > updated.seq!,
    );
    expect(petUpdated.payload).toMatchObject({ id: pet.id, category: { id, name: `${name}!` } });
    await t.call({ method: 'DELETE', url: `/api/v1/pets/${pet.id}`, token: admin });
    await remove(id);
    const deleted = await socket.next((frame) => frame.event === 'category.deleted');
    expect(deleted.payload).toEqual({ id });
    const item = await RawSocket.open(url);
    expect((await item.request('subscribe', { topics: [`categories:${id}`] })).status).toBe('success');
    socket.close();
    item.close();
  });
});
