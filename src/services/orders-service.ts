import type { Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import {
  ForbiddenError,
  InvalidTransitionError,
  OrderNotCancellableError,
  OrderNotFoundError,
  PetNotAvailableError,
  PetNotFoundError,
} from '../errors.js';
import type { EventDraft } from '../live/resources.js';
import type { OrdersRepository } from '../repositories/orders-repository.js';
import type { PetsRepository } from '../repositories/pets-repository.js';
import type { Order, OrderInput, OrderListQuery, OrderStatus } from '../schemas/orders.js';
import { isAdmin, requireAdmin, requireUser, type Actor } from './access.js';
import { decodeCursor, toPage, type Page } from './pagination.js';
import type { PetsService } from './pets-service.js';
import { checkVersion, type ExpectedVersions } from './preconditions.js';
import type { AtSeq, Transactor } from './transactor.js';

/** The order state machine: each status and the one it may move to. */
const NEXT_STATUS: Record<OrderStatus, OrderStatus | undefined> = {
  placed: 'approved',
  approved: 'delivered',
  delivered: undefined,
};

export class OrdersService {
  constructor(
    private readonly transactor: Transactor,
    private readonly orders: OrdersRepository,
    private readonly pets: PetsRepository,
    private readonly petsService: PetsService,
  ) {}

  /** Places an order; the pet turns `pending` in the same transaction, so of concurrent orders one wins. */
  place(actor: Actor, input: OrderInput): Promise<AtSeq<Order>> {
    const principal = requireUser(actor);
    return this.transactor.write(async (tx, events) => {
      const now = new Date().toISOString();
      if (!(await this.pets.reserve(tx, input.petId, now))) {
        const pet = await this.pets.findById(tx, input.petId);
        if (!pet) throw new PetNotFoundError(input.petId);
        throw new PetNotAvailableError(input.petId, pet.status);
      }
      const order = await this.orders.insert(
        tx,
        {
          petId: input.petId,
          userId: principal.userId,
          quantity: input.quantity,
          shipDate: input.shipDate ?? null,
        },
        now,
      );
      events.push({ topic: 'orders', type: 'order.placed', payload: order });
      await this.petsService.recordStatusChange(tx, events, input.petId);
      return order;
    });
  }

  list(actor: Actor, query: OrderListQuery): Promise<AtSeq<Page<Order>>> {
    const principal = requireUser(actor);
    if (!isAdmin(principal) && query.userId !== undefined && query.userId !== principal.userId) {
      throw new ForbiddenError("Only an admin may list other users' orders");
    }
    const userId = isAdmin(principal) ? query.userId : principal.userId;
    return this.transactor.read(async (tx) => {
      const rows = await this.orders.list(tx, {
        userId,
        status: query.status,
        afterId: decodeCursor(query.cursor),
        limit: query.limit + 1,
      });
      return toPage(rows, query.limit);
    });
  }

  get(actor: Actor, id: number): Promise<AtSeq<Order>> {
    const principal = requireUser(actor);
    return this.transactor.read((tx) => this.mustFindVisible(tx, principal, id));
  }

  /** Admin only: moves an order one step along placed → approved → delivered. */
  updateStatus(
    actor: Actor,
    id: number,
    status: OrderStatus,
    expected: ExpectedVersions,
  ): Promise<AtSeq<Order>> {
    const principal = requireAdmin(actor);
    return this.transactor.write(async (tx, events) => {
      const order = await this.mustFindVisible(tx, principal, id, true);
      checkVersion(order.version, expected);
      if (NEXT_STATUS[order.status] !== status) throw new InvalidTransitionError(order.status, status);
      const updated = await this.orders.updateStatus(tx, id, status, new Date().toISOString());
      events.push({ topic: 'orders', type: 'order.updated', payload: updated });
      if (status === 'delivered') await this.petsService.setStatusWithin(tx, events, order.petId, 'sold');
      return updated;
    });
  }

  /** The owner may cancel while `placed`, an admin always; the pet is released unless it was delivered. */
  cancel(actor: Actor, id: number, expected: ExpectedVersions): Promise<AtSeq<{ id: number }>> {
    const principal = requireUser(actor);
    return this.transactor.write(async (tx, events) => {
      const order = await this.mustFindVisible(tx, principal, id, true);
      checkVersion(order.version, expected);
      if (!isAdmin(principal) && order.status !== 'placed')
        throw new OrderNotCancellableError(id, order.status);
      await this.removeWithin(tx, events, order);
      return { id };
    });
  }

  /** Removes every order of a user (their account is being deleted), releasing the pets they held. */
  async removeAllForUserWithin(
    tx: Transaction<Database>,
    events: EventDraft[],
    userId: number,
  ): Promise<void> {
    for (const order of await this.orders.list(tx, { userId })) await this.removeWithin(tx, events, order);
  }

  private async removeWithin(tx: Transaction<Database>, events: EventDraft[], order: Order): Promise<void> {
    await this.orders.delete(tx, order.id);
    events.push({ topic: 'orders', type: 'order.deleted', payload: { id: order.id, userId: order.userId } });
    if (order.status !== 'delivered')
      await this.petsService.setStatusWithin(tx, events, order.petId, 'available');
  }

  /** Someone else's order is a 404, not a 403: its existence is not disclosed. */
  private async mustFindVisible(
    tx: Transaction<Database>,
    actor: NonNullable<Actor>,
    id: number,
    lock = false,
  ): Promise<Order> {
    const order = await this.orders.findById(tx, id, { lock });
    if (!order || (!isAdmin(actor) && order.userId !== actor.userId)) throw new OrderNotFoundError(id);
    return order;
  }
}
