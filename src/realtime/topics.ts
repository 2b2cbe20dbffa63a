import type { ChangeEvent } from '../events/change-event.js';
import { isAdmin, type Actor } from '../services/access.js';

/** Topics that only a signed-in caller may hold; they are dropped when the session ends. */
export function isPrivateTopic(topic: string): boolean {
  return topic === 'orders' || topic.startsWith('orders:');
}

/** Whether this caller may see this event (order events: the owner or an admin). */
export function canSee(actor: Actor, event: ChangeEvent): boolean {
  if (event.topic !== 'orders') return true;
  return isAdmin(actor) || actor?.userId === event.payload.userId;
}

/** The topics an event is published on: its collection, and the one of its resource where there is one. */
export function topicsOf(event: ChangeEvent): string[] {
  if (event.topic === 'inventory') return ['inventory'];
  return [event.topic, `${event.topic}:${event.payload.id}`];
}
