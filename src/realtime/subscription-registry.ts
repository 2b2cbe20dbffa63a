import type { ChangeEvent } from '../live/resources.js';
import type { ClientConnection } from './client-connection.js';
import { eventFrame, type EventFrame } from './frames.js';
import { audienceOf, topicsOf } from '../live/resources.js';

/**
 * Who listens to what: a map from topic to its connections, so an event reaches its audience without a scan
 * of every socket. Each event is framed once per topic; each connection's gate decides whether it is sent (a
 * connection on two matching topics is sent it once).
 */
export class SubscriptionRegistry {
  private readonly byTopic = new Map<string, Set<ClientConnection>>();

  add(connection: ClientConnection, topics: Iterable<string>): void {
    for (const topic of topics) {
      connection.stream.topics.add(topic);
      let audience = this.byTopic.get(topic);
      if (!audience) this.byTopic.set(topic, (audience = new Set()));
      audience.add(connection);
    }
  }

  remove(connection: ClientConnection, topics: Iterable<string>): void {
    for (const topic of [...topics]) {
      connection.stream.topics.delete(topic);
      const audience = this.byTopic.get(topic);
      audience?.delete(connection);
      if (audience?.size === 0) this.byTopic.delete(topic);
    }
  }

  removeAll(connection: ClientConnection): void {
    this.remove(connection, connection.stream.topics);
  }

  /** Offers the event to every connection on one of its topics; returns how many were sent it. */
  deliver(event: ChangeEvent): number {
    let sent = 0;
    const audience = audienceOf(event);
    for (const topic of topicsOf(event)) {
      const subscribers = this.byTopic.get(topic);
      if (!subscribers) continue;
      const frame: EventFrame = eventFrame(event, topic);
      for (const connection of subscribers)
        if (connection.stream.offer(event, topic, frame, audience)) sent += 1;
    }
    return sent;
  }
}
