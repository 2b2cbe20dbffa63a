// A program written as an integrator would write it, against types generated from the service's OpenAPI
// document (openapi-typescript, `./openapi.d.ts`, made by the test that runs this) and openapi-fetch. The test
// typechecks it against those types, then runs it against the real app: every operation group is used once.
import createClient from 'openapi-fetch';
import type { paths } from './openapi.js';

type Headers<
  Path extends keyof paths,
  Method extends keyof paths[Path],
  Status extends number,
> = paths[Path][Method] extends { responses: Record<Status, { headers: infer Declared }> } ? Declared : never;

/** Declared response headers are typed: these compile only if the document declares them so. */
type PetCreatedHeaders = Headers<'/api/v1/pets', 'post', 201>;
type PetReadHeaders = Headers<'/api/v1/pets/{id}', 'get', 200>;
const seqOf = (response: Response): PetReadHeaders['X-Event-Seq'] =>
  Number(response.headers.get('x-event-seq'));
const locationOf = (response: Response): PetCreatedHeaders['Location'] =>
  response.headers.get('location') ?? '';

export interface Credentials {
  username: string;
  password: string;
}

function must<T>(result: { data?: T; error?: unknown; response: Response }, what: string): T {
  if (result.data === undefined) {
    throw new Error(`${what}: ${result.response.status} ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

/** Uses every operation group once; returns what the test checks. */
export async function useEveryGroup(baseUrl: string, admin: Credentials) {
  const client = createClient<paths>({
    baseUrl,
    // The document declares list parameters `style: form, explode: false`: `status=available,pending`.
    querySerializer: { array: { style: 'form', explode: false } },
  });
  const signIn = async (credentials: Credentials) => {
    const pair = must(await client.POST('/api/v1/auth/login', { body: credentials }), 'login');
    return { headers: { authorization: `Bearer ${pair.token}` } };
  };
  const asAdmin = await signIn(admin);

  // Pets: only a name is needed; every field with a default may be left out.
  const created = await client.POST('/api/v1/pets', { body: { name: 'Generated Rex' }, ...asAdmin });
  const pet = must(created, 'addPet');
  const patched = must(
    await client.PATCH('/api/v1/pets/{id}', {
      params: { path: { id: pet.id }, header: { 'if-match': `"${pet.version}"` } },
      body: { tags: [{ name: 'generated' }] },
      ...asAdmin,
    }),
    'patchPet',
  );
  const read = await client.GET('/api/v1/pets/{id}', { params: { path: { id: pet.id } } });
  const page = must(
    await client.GET('/api/v1/pets', { params: { query: { status: ['available', 'pending'], limit: 5 } } }),
    'listPets',
  );
  const byStatus = must(
    await client.GET('/api/v1/pets/findByStatus', { params: { query: { status: ['available'] } } }),
    'findPetsByStatus',
  );
  const byTags = must(
    await client.GET('/api/v1/pets/findByTags', { params: { query: { tags: ['generated'] } } }),
    'findPetsByTags',
  );

  // Categories.
  const category = must(
    await client.POST('/api/v1/categories', { body: { name: 'Generated birds' }, ...asAdmin }),
    'addCategory',
  );
  const categories = must(await client.GET('/api/v1/categories', {}), 'listCategories');

  // Users and the store, as a customer who signs up.
  const customer = { username: `generated_${Date.now()}`, password: 'generated-password-1' };
  const signedUp = must(await client.POST('/api/v1/users', { body: customer }), 'createUser');
  const asCustomer = await signIn(customer);
  const me = must(await client.GET('/api/v1/users/me', asCustomer), 'getCurrentUser');
  const order = must(
    await client.POST('/api/v1/store/order', { body: { petId: pet.id }, ...asCustomer }),
    'placeOrder',
  );
  const orders = must(await client.GET('/api/v1/store/orders', asCustomer), 'listOrders');
  const inventory = must(await client.GET('/api/v1/store/inventory', {}), 'getInventory');
  const cancelled = await client.DELETE('/api/v1/store/order/{orderId}', {
    params: { path: { orderId: order.id } },
    ...asCustomer,
  });

  // Operations, and signing out.
  const cluster = must(await client.GET('/api/v1/cluster', asAdmin), 'getCluster');
  const health = must(await client.GET('/health', {}), 'getHealth');
  const loggedOut = await client.POST('/api/v1/auth/logout', asCustomer);
  const afterLogout = await client.GET('/api/v1/users/me', asCustomer);

  return {
    pet: { id: pet.id, status: pet.status, photoUrls: pet.photoUrls, location: locationOf(created.response) },
    patchedTags: patched.tags.map((tag) => tag.name),
    read: {
      status: read.response.status,
      etag: read.response.headers.get('etag'),
      seq: seqOf(read.response),
    },
    listed: page.items.map((item) => item.id),
    byStatus: byStatus.map((item) => item.id),
    byTags: byTags.map((item) => item.id),
    category: category.name,
    categories: categories.items.map((item) => item.name),
    me: { id: me.id, role: me.role, signedUp: signedUp.id },
    order: { petId: order.petId, status: order.status, listed: orders.items.map((item) => item.id) },
    inventory,
    cancelled: cancelled.response.status,
    nodes: cluster.nodes.length,
    health: health.status,
    loggedOut: loggedOut.response.status,
    afterLogout: afterLogout.response.status,
  };
}
