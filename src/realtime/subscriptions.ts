import type { ChangeEvent } from '../events/change-event.js';
import { isAdmin, type Actor } from '../services/access.js';
import type { ClientConnection, EventFrame } from './client-connection.js';
import { eventFrame } from './frames.js';

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

/** Whether an event belongs to any of the given topics. */
export function matchesAny(event: ChangeEvent, topics: Set<string>): boolean {
  return topicsOf(event).some((topic) => topics.has(topic));
}

/**
 * Who listens to what: a map from topic to its sockets, so an event reaches its audience without a scan of
 * every socket. Each event is serialized once per topic, and a socket on two matching topics gets it once.
 */
export class SubscriptionRegistry {
  private readonly byTopic = new Map<string, Set<ClientConnection>>();

  add(connection: ClientConnection, topics: string[]): void {
    for (const topic of topics) {
      connection.topics.add(topic);
      let audience = this.byTopic.get(topic);
      if (!audience) this.byTopic.set(topic, (audience = new Set()));
      audience.add(connection);
    }
  }

  remove(connection: ClientConnection, topics: Iterable<string>): void {
    for (const topic of [...topics]) {
      connection.topics.delete(topic);
      const audience = this.byTopic.get(topic);
      audience?.delete(connection);
      if (audience?.size === 0) this.byTopic.delete(topic);
    }
  }

  removeAll(connection: ClientConnection): void {
    this.remove(connection, connection.topics);
  }

  /** Hands the event to every socket that may see it; returns how many. */
  deliver(event: ChangeEvent): number {
    const audiences = topicsOf(event)
      .map((topic) => [topic, this.byTopic.get(topic)] as const)
      .filter((entry): entry is readonly [string, Set<ClientConnection>] => entry[1] !== undefined);
    const reached = audiences.length > 1 ? new Set<ClientConnection>() : undefined;
    let count = 0;
    for (const [topic, connections] of audiences) {
      let frame: EventFrame | undefined;
      for (const connection of connections) {
        if (reached?.has(connection) || !canSee(connection.actor, event)) continue;
        frame ??= eventFrame(event, topic);
        connection.sendEvent(frame, event);
        reached?.add(connection);
        count += 1;
      }
    }
    return count;
  }
}
