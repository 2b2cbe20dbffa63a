// A program written against the official Swagger Petstore v3 document: types generated from that file
// (openapi-typescript, `./petstore3.d.ts`, made by the test that runs this) and openapi-fetch, pointed at this
// service's `/api/v3`. It calls all 19 operations in JSON, and, where the official document declares them, with
// XML and form bodies and XML answers.
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import createClient from 'openapi-fetch';
import type { components, paths } from './petstore3.js';

type Pet = components['schemas']['Pet'];
type User = components['schemas']['User'];

export interface Credentials {
  username: string;
  password: string;
}

const xmlBuilder = new XMLBuilder({});
const xmlParser = new XMLParser({ isArray: (name) => ['pet', 'photoUrl', 'tag'].includes(name) });

/** The official XML of a pet: wrapped `photoUrls`/`tags`. */
const petXml = (pet?: Pet) =>
  xmlBuilder.build({
    pet: { ...pet, photoUrls: { photoUrl: pet?.photoUrls ?? [] }, tags: { tag: pet?.tags ?? [] } },
  }) as string;
const userXml = (user?: User) => xmlBuilder.build({ user: user ?? {} }) as string;
const orderXml = (order?: components['schemas']['Order']) =>
  xmlBuilder.build({ order: order ?? {} }) as string;
const form = (fields: Record<string, string | number | string[] | undefined>) => {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const item of [value ?? []].flat()) body.append(key, String(item));
  }
  return body.toString();
};

const XML = { 'content-type': 'application/xml', accept: 'application/xml' };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
/** A 1×1 PNG. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201' +
    '1e5ee0d50000000049454e44ae426082',
  'hex',
);

/** An answer asked for as XML (`parseAs: 'text'`), parsed. */
function xmlOf(result: { data?: unknown; error?: unknown; response: Response }, what: string) {
  const text = must(result, what);
  if (typeof text !== 'string') throw new Error(`${what}: the answer is not XML text`);
  return xmlParser.parse(text);
}

function must<T>(result: { data?: T; error?: unknown; response: Response }, what: string): T {
  if (result.data === undefined)
    throw new Error(`${what}: ${result.response.status} ${JSON.stringify(result.error)}`);
  return result.data;
}

/** Calls every official operation; returns what the test checks. */
export async function useOfficialOperations(baseUrl: string, admin: Credentials, suffix: string) {
  const client = createClient<paths>({ baseUrl });
  const status = (result: { response: Response }) => result.response.status;

  // loginUser: the token as a string, with X-Rate-Limit and X-Expires-After.
  const adminLogin = await client.GET('/user/login', { params: { query: admin } });
  const adminToken = must(adminLogin, 'loginUser');
  const asAdmin = { headers: { authorization: `Bearer ${adminToken}` } };

  // Pets, in JSON.
  const added = must(
    await client.POST('/pet', {
      body: {
        id: 10,
        name: `doggie-${suffix}`,
        category: { id: 1, name: `Dogs-${suffix}` },
        photoUrls: ['https://example.com/doggie.png'],
        tags: [{ id: 0, name: `tag1-${suffix}` }],
        status: 'available',
      },
      ...asAdmin,
    }),
    'addPet',
  );
  const petId = added.id as number;
  const replaced = must(
    await client.PUT('/pet', { body: { ...added, name: `doggie-${suffix}-2` }, ...asAdmin }),
    'updatePet',
  );
  const byStatus = must(
    await client.GET('/pet/findByStatus', { params: { query: { status: 'available' } } }),
    'findPetsByStatus',
  );
  const byTags = must(
    await client.GET('/pet/findByTags', { params: { query: { tags: [`tag1-${suffix}`, 'no-such-tag'] } } }),
    'findPetsByTags',
  );
  const fetched = must(await client.GET('/pet/{petId}', { params: { path: { petId } } }), 'getPetById');
  const renamed = must(
    await client.POST('/pet/{petId}', {
      params: { path: { petId }, query: { name: `renamed-${suffix}`, status: 'available' } },
      ...asAdmin,
    }),
    'updatePetWithForm',
  );
  const uploaded = must(
    await client.POST('/pet/{petId}/uploadImage', {
      params: { path: { petId }, query: { additionalMetadata: 'a photo' } },
      body: '',
      bodySerializer: () => PNG,
      headers: { ...asAdmin.headers, 'content-type': 'application/octet-stream' },
    }),
    'uploadFile',
  );

  // Pets, in XML and as forms.
  const xmlPet: Pet = {
    name: `xml-${suffix}`,
    photoUrls: ['https://example.com/x.png'],
    tags: [{ name: 'xml' }],
  };
  const addedXml = await client.POST('/pet', {
    body: xmlPet,
    bodySerializer: petXml,
    parseAs: 'text',
    headers: { ...asAdmin.headers, ...XML },
  });
  const xmlPetId = Number(xmlOf(addedXml, 'addPet (XML)').pet[0].id);
  const replacedXml = await client.PUT('/pet', {
    body: { ...xmlPet, id: xmlPetId, name: `xml-${suffix}-2` },
    bodySerializer: petXml,
    parseAs: 'text',
    headers: { ...asAdmin.headers, ...XML },
  });
  const addedForm = must(
    await client.POST('/pet', {
      body: { name: `form-${suffix}`, photoUrls: ['https://example.com/f.png'] },
      bodySerializer: (pet) => form({ name: pet?.name, photoUrls: pet?.photoUrls, status: 'sold' }),
      headers: { ...asAdmin.headers, ...FORM },
    }),
    'addPet (form)',
  );
  const replacedForm = must(
    await client.PUT('/pet', {
      body: { id: addedForm.id, name: `form-${suffix}-2`, photoUrls: [] },
      bodySerializer: (pet) => form({ id: pet?.id, name: pet?.name, status: 'available' }),
      headers: { ...asAdmin.headers, ...FORM },
    }),
    'updatePet (form)',
  );
  const fetchedXml = await client.GET('/pet/{petId}', {
    params: { path: { petId: xmlPetId } },
    parseAs: 'text',
    headers: { accept: 'application/xml' },
  });
  const byTagsXml = await client.GET('/pet/findByTags', {
    params: { query: { tags: ['xml'] } },
    parseAs: 'text',
    headers: { accept: 'application/xml' },
  });
  const renamedXml = await client.POST('/pet/{petId}', {
    params: { path: { petId: xmlPetId }, query: { name: `xml-${suffix}-3` } },
    parseAs: 'text',
    headers: { ...asAdmin.headers, accept: 'application/xml' },
  });
  const loginXml = await client.GET('/user/login', {
    params: { query: admin },
    parseAs: 'text',
    headers: { accept: 'application/xml' },
  });
  const byStatusXml = await client.GET('/pet/findByStatus', {
    params: { query: { status: 'available' } },
    parseAs: 'text',
    headers: { accept: 'application/xml' },
  });

  // Store and users: a customer signs up (JSON, XML and form), orders and cancels.
  const inventory = must(await client.GET('/store/inventory', {}), 'getInventory');
  const customer = { username: `official_${suffix}`, password: 'official-password-1' };
  const created = must(
    await client.POST('/user', { body: { id: 99, ...customer, firstName: 'John', userStatus: 1 } }),
    'createUser',
  );
  const createdXml = await client.POST('/user', {
    body: { username: `official_x_${suffix}`, password: 'official-password-2' },
    bodySerializer: userXml,
    parseAs: 'text',
    headers: XML,
  });
  const createdForm = must(
    await client.POST('/user', {
      body: { username: `official_f_${suffix}`, password: 'official-password-3' },
      bodySerializer: (user) => form({ username: user?.username, password: user?.password, phone: '12345' }),
      headers: FORM,
    }),
    'createUser (form)',
  );
  const customerToken = must(await client.GET('/user/login', { params: { query: customer } }), 'loginUser');
  // The official `api_key` header carries the token too.
  const asCustomer = { headers: { api_key: customerToken } };
  const order = must(
    await client.POST('/store/order', {
      body: {
        id: 10,
        petId,
        quantity: 2,
        shipDate: '2026-12-24T12:00:00.000Z',
        status: 'placed',
        complete: false,
      },
      ...asCustomer,
    }),
    'placeOrder',
  );
  const orderId = order.id as number;
  const fetchedOrder = must(
    await client.GET('/store/order/{orderId}', { params: { path: { orderId } }, ...asCustomer }),
    'getOrderById',
  );
  const fetchedOrderXml = await client.GET('/store/order/{orderId}', {
    params: { path: { orderId } },
    parseAs: 'text',
    headers: { ...asCustomer.headers, accept: 'application/xml' },
  });
  const deletedOrder = await client.DELETE('/store/order/{orderId}', {
    params: { path: { orderId } },
    ...asCustomer,
  });
  const xmlOrder = await client.POST('/store/order', {
    body: { petId: addedForm.id, quantity: 1 },
    bodySerializer: orderXml,
    headers: { ...asCustomer.headers, 'content-type': 'application/xml' },
  });
  const formOrder = await client.POST('/store/order', {
    body: { petId: xmlPetId, quantity: 1 },
    bodySerializer: (body) => form({ petId: body?.petId, quantity: body?.quantity }),
    headers: { ...asCustomer.headers, ...FORM },
  });
  const fetchedUser = must(
    await client.GET('/user/{username}', {
      params: { path: { username: customer.username } },
      ...asCustomer,
    }),
    'getUserByName',
  );
  const updatedUser = await client.PUT('/user/{username}', {
    params: { path: { username: customer.username } },
    body: { username: customer.username, lastName: 'James', email: 'john@example.com' },
    ...asCustomer,
  });
  const updatedUserXml = await client.PUT('/user/{username}', {
    params: { path: { username: customer.username } },
    body: { username: customer.username, phone: '555' },
    bodySerializer: userXml,
    headers: { ...asCustomer.headers, 'content-type': 'application/xml' },
  });
  const updatedUserForm = await client.PUT('/user/{username}', {
    params: { path: { username: customer.username } },
    body: { username: customer.username, firstName: 'Johnny' },
    bodySerializer: (user) => form({ username: user?.username, firstName: user?.firstName }),
    headers: { ...asCustomer.headers, ...FORM },
  });
  const fetchedUserXml = await client.GET('/user/{username}', {
    params: { path: { username: customer.username } },
    parseAs: 'text',
    headers: { ...asCustomer.headers, accept: 'application/xml' },
  });
  const createdList = must(
    await client.POST('/user/createWithList', {
      body: [
        { username: `list_a_${suffix}`, password: 'list-password-1' },
        { username: `list_b_${suffix}`, password: 'list-password-2' },
      ],
      ...asAdmin,
    }),
    'createUsersWithListInput',
  );
  const loggedOut = await client.GET('/user/logout', asCustomer);
  const afterLogout = await client.GET('/user/{username}', {
    params: { path: { username: customer.username } },
    ...asCustomer,
  });
  const deletedUser = await client.DELETE('/user/{username}', {
    params: { path: { username: `list_a_${suffix}` } },
    ...asAdmin,
  });
  const deletedPet = await client.DELETE('/pet/{petId}', { params: { path: { petId } }, ...asAdmin });
  const afterDelete = await client.GET('/pet/{petId}', { params: { path: { petId } } });

  return {
    login: {
      token: adminToken,
      rateLimit: adminLogin.response.headers.get('x-rate-limit'),
      expiresAfter: adminLogin.response.headers.get('x-expires-after'),
    },
    added,
    replaced,
    byStatus: byStatus.map((pet) => pet.id),
    byTags: byTags.map((pet) => pet.id),
    fetched,
    renamed,
    uploaded,
    xml: {
      added: xmlOf(addedXml, 'addPet (XML)').pet[0],
      replaced: xmlOf(replacedXml, 'updatePet (XML)').pet[0],
      fetched: xmlOf(fetchedXml, 'getPetById (XML)').pet[0],
      byStatus: xmlOf(byStatusXml, 'findPetsByStatus (XML)').pets.pet.map((pet: Pet) => pet.id),
      byTags: xmlOf(byTagsXml, 'findPetsByTags (XML)').pets.pet.map((pet: Pet) => pet.id),
      renamed: xmlOf(renamedXml, 'updatePetWithForm (XML)').pet[0],
      token: xmlOf(loginXml, 'loginUser (XML)').token,
      order: xmlOf(fetchedOrderXml, 'getOrderById (XML)').order,
      user: xmlOf(fetchedUserXml, 'getUserByName (XML)').user,
      createdUser: xmlOf(createdXml, 'createUser (XML)').user,
      orderStatus: status(xmlOrder),
      updatedUser: status(updatedUserXml),
    },
    form: {
      added: addedForm,
      replaced: replacedForm,
      createdUser: createdForm,
      orderStatus: status(formOrder),
      updatedUser: status(updatedUserForm),
    },
    xmlPetId,
    inventory,
    created,
    order,
    fetchedOrder,
    deletedOrder: status(deletedOrder),
    fetchedUser,
    updatedUser: status(updatedUser),
    createdList,
    loggedOut: status(loggedOut),
    afterLogout: status(afterLogout),
    deletedUser: status(deletedUser),
    deletedPet: status(deletedPet),
    afterDelete: status(afterDelete),
  };
}
