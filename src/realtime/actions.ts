import type { Services } from '../services/container.js';
import type { Actor } from '../services/access.js';
import type { ActionName, ActionPayload } from '../schemas/ws.js';
import type { RequestContext, Respond } from './action-dispatcher.js';
import { AnswerAtSeq } from './frames.js';

type ServiceAction = Exclude<ActionName, 'authenticate' | 'ping' | 'subscribe' | 'unsubscribe'>;
type Handler<A extends ServiceAction> = (
  caller: { actor: Actor },
  payload: ActionPayload<A>,
  respond: Respond,
  context: RequestContext,
) => Promise<unknown>;

const expected = (version: number | undefined) => (version === undefined ? undefined : [version]);

/**
 * The actions that are plain service calls: the same services, validation and access rules as REST.
 * Each answers with what REST would return for the same call, and the seq the answer reflects (REST's
 * `X-Event-Seq`); a request's `minSeq` is REST's `X-Min-Event-Seq`.
 */
export function serviceActions(services: Services): { [A in ServiceAction]: Handler<A> } {
  const { catalog, pets, orders, users } = services;
  const answer = async <T>(result: Promise<{ data: T; seq?: number }>) => {
    const { data, seq } = await result;
    return seq === undefined ? data : new AnswerAtSeq(data, seq);
  };
  /** A read that must reflect `minSeq`: refused when no node could (not committed), as over REST. */
  const reach = async ({ minSeq }: RequestContext) => {
    await catalog.requireCommitted(minSeq);
    return minSeq;
  };
  return {
    'pets.list': async (_caller, query, _respond, context) =>
      answer(catalog.list(query, await reach(context))),
    'pets.get': async (_caller, { id }, _respond, context) => answer(catalog.get(id, await reach(context))),
    'pets.findByStatus': async (_caller, { status }, _respond, context) =>
      answer(catalog.findByStatus(status, await reach(context))),
    'pets.create': ({ actor }, input) => answer(pets.create(actor, input)),
    'pets.update': ({ actor }, { id, pet, expectedVersion }) =>
      answer(pets.replace(actor, id, pet, expected(expectedVersion))),
    'pets.patch': ({ actor }, { id, patch, expectedVersion }) =>
      answer(pets.patch(actor, id, patch, expected(expectedVersion))),
    'pets.delete': ({ actor }, { id, expectedVersion }) =>
      answer(pets.delete(actor, id, expected(expectedVersion))),
    'store.inventory': async (_caller, _payload, _respond, context) =>
      answer(catalog.inventory(await reach(context))),
    'orders.place': ({ actor }, input) => answer(orders.place(actor, input)),
    'orders.list': ({ actor }, query) => answer(orders.list(actor, query)),
    'orders.get': ({ actor }, { id }) => answer(orders.get(actor, id)),
    'orders.update': ({ actor }, { id, status, expectedVersion }) =>
      answer(orders.updateStatus(actor, id, status, expected(expectedVersion))),
    'orders.cancel': ({ actor }, { id, expectedVersion }) =>
      answer(orders.cancel(actor, id, expected(expectedVersion))),
    'users.me': ({ actor }) => answer(users.me(actor)),
  };
}
