/** What the live board shows, and how change notifications update it. No DOM here. */

export type PetStatus = 'available' | 'pending' | 'sold';
export const PET_STATUSES: PetStatus[] = ['available', 'pending', 'sold'];

export interface Pet {
  id: number;
  name: string;
  status: PetStatus;
  photoUrls: string[];
  category: { name: string } | null;
  version: number;
}

export interface Order {
  id: number;
  petId: number;
  status: 'placed' | 'approved' | 'delivered' | 'cancelled';
  version: number;
}

export type Inventory = Record<PetStatus, number>;

export interface Change {
  event: string;
  payload: unknown;
}

/**
 * Pets, inventory and orders by id. Applying a notification is idempotent and ignores anything older than
 * what is held (by `version`), so a replay that overlaps the snapshot never duplicates or rewinds a card.
 */
export class BoardState {
  readonly pets = new Map<number, Pet>();
  readonly orders = new Map<number, Order>();
  inventory: Inventory = { available: 0, pending: 0, sold: 0 };

  load(pets: Pet[], inventory: Inventory): void {
    this.pets.clear();
    for (const pet of pets) this.pets.set(pet.id, pet);
    this.inventory = inventory;
  }

  loadOrders(orders: Order[]): void {
    this.orders.clear();
    for (const order of orders) this.orders.set(order.id, order);
  }

  /** Returns whether anything visible changed. */
  apply({ event, payload }: Change): boolean {
    switch (event) {
      case 'pet.created':
      case 'pet.updated':
        return upsert(this.pets, payload as Pet);
      case 'pet.deleted':
        return this.pets.delete((payload as { id: number }).id);
      case 'order.placed':
      case 'order.updated':
        return upsert(this.orders, payload as Order);
      case 'order.deleted':
        return this.orders.delete((payload as { id: number }).id);
      case 'inventory.changed':
        this.inventory = payload as Inventory;
        return true;
      default:
        return false;
    }
  }

  petsWith(status: PetStatus): Pet[] {
    return [...this.pets.values()].filter((pet) => pet.status === status).sort((a, b) => a.id - b.id);
  }
}

function upsert<T extends { id: number; version: number }>(map: Map<number, T>, item: T): boolean {
  const held = map.get(item.id);
  if (held && held.version >= item.version) return false;
  map.set(item.id, item);
  return true;
}
