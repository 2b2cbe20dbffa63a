import type { Services } from '../services/container.js';
import type { Actor } from '../services/access.js';
import type { ActionName, ActionPayload } from '../schemas/ws.js';

type ServiceAction = Exclude<ActionName, 'authenticate' | 'ping' | 'subscribe' | 'unsubscribe'>;
type Handler<A extends ServiceAction> = (
  caller: { actor: Actor },
  payload: ActionPayload<A>,
) => Promise<unknown>;

const expected = (version: number | undefined) => (version === undefined ? undefined : [version]);

/**
 * The actions that are plain service calls: the same services, validation and access rules as REST.
 * Each answers with what REST would return for the same call.
 */
export function serviceActions(services: Services): { [A in ServiceAction]: Handler<A> } {
  const { catalog, pets, orders, users } = services;
  const data = async <T>(result: Promise<{ data: T }>) => (await result).data;
  return {
    'pets.list': (_caller, query) => data(catalog.list(query)),
    'pets.get': (_caller, { id }) => data(catalog.get(id)),
    'pets.findByStatus': (_caller, { status }) => data(catalog.findByStatus(status)),
    'pets.create': ({ actor }, input) => data(pets.create(actor, input)),
    'pets.update': ({ actor }, { id, pet, expectedVersion }) =>
      data(pets.replace(actor, id, pet, expected(expectedVersion))),
    'pets.patch': ({ actor }, { id, patch, expectedVersion }) =>
      data(pets.patch(actor, id, patch, expected(expectedVersion))),
    'pets.delete': ({ actor }, { id, expectedVersion }) =>
      data(pets.delete(actor, id, expected(expectedVersion))),
    'store.inventory': () => data(catalog.inventory()),
    'orders.place': ({ actor }, input) => data(orders.place(actor, input)),
    'orders.list': ({ actor }, query) => data(orders.list(actor, query)),
    'orders.get': ({ actor }, { id }) => data(orders.get(actor, id)),
    'orders.update': ({ actor }, { id, status, expectedVersion }) =>
      data(orders.updateStatus(actor, id, status, expected(expectedVersion))),
    'orders.cancel': ({ actor }, { id, expectedVersion }) =>
      data(orders.cancel(actor, id, expected(expectedVersion))),
    'users.me': ({ actor }) => data(users.me(actor)),
  };
}
