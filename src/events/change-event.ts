import type { Order } from '../schemas/orders.js';
import type { Inventory, Pet } from '../schemas/pets.js';

/** What a service records about a change; the feed gives it a `seq` when it commits. */
export type EventDraft =
  | { topic: 'pets'; type: 'pet.created' | 'pet.updated'; payload: Pet }
  | { topic: 'pets'; type: 'pet.deleted'; payload: { id: number } }
  | { topic: 'orders'; type: 'order.placed' | 'order.updated'; payload: Order }
  | { topic: 'orders'; type: 'order.deleted'; payload: { id: number; userId: number } }
  | { topic: 'inventory'; type: 'inventory.changed'; payload: Inventory };

export type ChangeEvent = EventDraft & { seq: number; createdAt: string };
