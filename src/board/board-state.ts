/** What the live board shows, and how change notifications update it. No DOM here. */
import type { EventType, PayloadOf } from '../live/resources.js';

export type PetStatus = 'available' | 'pending' | 'sold';
export const PET_STATUSES: PetStatus[] = ['available', 'pending', 'sold'];

export interface Pet {
  id: number;
  name: string;
  status: PetStatus;
  photoUrls: string[];
  category: { id: number; name: string } | null;
  version: number;
}

export interface Order {
  id: number;
  petId: number;
  status: 'placed' | 'approved' | 'delivered' | 'cancelled';
  version: number;
}

export type Inventory = Record<PetStatus, number>;

export interface Category {
  id: number;
  name: string;
}

/** A webhook as the admin view lists it (`GET /webhooks`). */
export interface WebhookSummary {
  id: number;
  url: string;
  topics: string[];
  status: 'active' | 'paused' | 'failing' | 'disabled';
  failure: string | null;
  backlog: number;
}

export interface Change {
  event: string;
  payload: unknown;
}

/**
 * Pets, inventory, orders and categories by id. Applying a notification is idempotent and ignores anything
 * older than what is held (by `version`), so a replay that overlaps the snapshot never duplicates or rewinds a
 * card; categories, which have no version, follow the events in seq order.
 */
export class BoardState {
  readonly pets = new Map<number, Pet>();
  readonly orders = new Map<number, Order>();
  readonly categories = new Map<number, Category>();
  inventory: Inventory = { available: 0, pending: 0, sold: 0 };
  /** Admins only; read again after changes, as webhooks have no topic of their own. */
  webhooks: WebhookSummary[] = [];

  load(pets: Pet[], inventory: Inventory, categories: Category[]): void {
    this.pets.clear();
    for (const pet of pets) this.pets.set(pet.id, pet);
    this.inventory = inventory;
    this.categories.clear();
    for (const category of categories) this.categories.set(category.id, category);
  }

  loadOrders(orders: Order[]): void {
    this.orders.clear();
    for (const order of orders) this.orders.set(order.id, order);
  }

  /** Returns whether anything visible changed. */
  apply({ event, payload }: Change): boolean {
    const handle = (CHANGES as Record<string, ((state: BoardState, payload: never) => boolean) | undefined>)[
      event
    ];
    return handle ? handle(this, payload as never) : false;
  }

  petsWith(status: PetStatus, categoryId?: number): Pet[] {
    return [...this.pets.values()]
      .filter((pet) => pet.status === status && (categoryId === undefined || pet.category?.id === categoryId))
      .sort((a, b) => a.id - b.id);
  }
}

/** How each event of the API changes the board: one entry per event type, or the board does not compile. */
const CHANGES: { [Type in EventType]: (state: BoardState, payload: PayloadOf<Type>) => boolean } = {
  'pet.created': (state, pet) => upsert(state.pets, pet),
  'pet.updated': (state, pet) => upsert(state.pets, pet),
  'pet.deleted': (state, { id }) => state.pets.delete(id),
  'order.placed': (state, order) => upsert(state.orders, order),
  'order.updated': (state, order) => upsert(state.orders, order),
  'order.deleted': (state, { id }) => state.orders.delete(id),
  'inventory.changed': (state, inventory) => {
    state.inventory = inventory;
    return true;
  },
  'category.created': (state, category) => setCategory(state, category),
  'category.updated': (state, category) => setCategory(state, category),
  'category.deleted': (state, { id }) => state.categories.delete(id),
};

function setCategory(state: BoardState, category: Category): boolean {
  state.categories.set(category.id, { id: category.id, name: category.name });
  return true;
}

function upsert<T extends { id: number; version: number }>(map: Map<number, T>, item: T): boolean {
  const held = map.get(item.id);
  if (held && held.version >= item.version) return false;
  map.set(item.id, item);
  return true;
}
