import type { FastifyBaseLogger } from 'fastify';
import { ResyncRequiredError, UnauthenticatedError } from '../errors.js';
import type { EventLogReader } from '../events/change-feed.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import { requireUser, type Actor } from '../services/access.js';
import type { OrdersService } from '../services/orders-service.js';
import type { ClientConnection } from './client-connection.js';
import type { LiveFeed } from './live-feed.js';
import { replay } from './replay.js';
import type { SubscriptionRegistry } from './subscription-registry.js';
import { isPrivateTopic } from './topics.js';

const CLOSE_TRY_AGAIN_LATER = 1013;

export interface SubscribeInput {
  topics: string[];
  since?: number | undefined;
  epoch?: string | undefined;
}

export interface SubscribeAnswer {
  topics: string[];
  /** Every matching event after this seq will be sent (after the replay, when `since` was given). */
  seq: number;
  epoch: string;
}

/**
 * The `subscribe` and `unsubscribe` actions: who may hold which topic, where a connection's stream resumes,
 * and the replay that brings it there. Changes to one connection's subscriptions run one at a time, in order.
 */
export class Subscriptions {
  constructor(
    private readonly registry: SubscriptionRegistry,
    private readonly live: LiveFeed,
    private readonly log: EventLogReader,
    private readonly orders: OrdersService,
    private readonly metrics: ServiceMetrics,
    private readonly logger: FastifyBaseLogger,
  ) {}

  subscribe(connection: ClientConnection, input: SubscribeInput): Promise<SubscribeAnswer> {
    return connection.serially(async () => {
      await connection.replay;
      const actor = connection.actor;
      for (const topic of input.topics) await this.authorizeTopic(actor, topic);
      if (connection.actor !== actor && input.topics.some(isPrivateTopic)) throw new UnauthenticatedError();
      const { stream } = connection;
      const added = input.topics.filter((topic) => !stream.topics.has(topic));
      if (input.since !== undefined)
        await this.resumeAt(connection, input.since, input.epoch, added.length > 0);
      this.registry.add(connection, added);
      const answer = {
        topics: [...stream.topics],
        seq: Math.max(this.live.lastSeq, stream.cursor),
        epoch: this.live.epoch,
      };
      if (stream.replaying) this.startReplay(connection);
      return answer;
    });
  }

  unsubscribe(connection: ClientConnection, topics: string[]): Promise<{ topics: string[] }> {
    return connection.serially(async () => {
      this.registry.remove(connection, topics);
      return { topics: [...connection.stream.topics] };
    });
  }

  /**
   * Moves the connection's cursor to `since` and, when topics are added, starts holding live events for the
   * replay. The stream never goes back: topics cannot join below what the connection was already sent.
   */
  private async resumeAt(
    connection: ClientConnection,
    since: number,
    epoch: string | undefined,
    adding: boolean,
  ): Promise<void> {
    const { stream } = connection;
    if (epoch !== undefined && epoch !== this.live.epoch) {
      throw this.resync(`since ${since} is a seq of event log ${epoch}; this one is ${this.live.epoch}`);
    }
    const [replayableFrom, newest] = await Promise.all([this.log.replayableFrom(), this.log.currentSeq()]);
    if (since < replayableFrom) throw this.resync(`Events after ${since} are no longer kept`);
    if (since > newest) throw this.resync(`Nothing has been committed after ${newest} yet (since ${since})`);
    if (!adding) return;
    // Events of the topics held already, up to `since`, must reach the connection before the cursor moves past them.
    if (stream.topics.size > 0 && since > this.live.lastSeq) await this.live.catchUp();
    if (since < stream.cursor) {
      throw this.resync(
        `This connection was already sent events up to ${stream.cursor}; ` +
          `topics can join its stream from there on, not from ${since}`,
      );
    }
    stream.cursor = since;
    stream.holdLive();
  }

  /** The replay runs after the answer is on its way (the next macrotask); a failure closes the socket. */
  private startReplay(connection: ClientConnection): void {
    const from = connection.stream.cursor;
    connection.replay = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => replay(connection, from, this.log.readAfter))
      .catch((error: unknown) => {
        this.logger.error({ err: error, clientId: connection.id }, 'replay failed');
        connection.close(CLOSE_TRY_AGAIN_LATER, 'replay failed; resubscribe');
      })
      .finally(() => (connection.replay = undefined));
  }

  private resync(message: string): Error {
    this.metrics.resyncRequired();
    return new ResyncRequiredError(`${message}: reload over REST and subscribe again`);
  }

  private async authorizeTopic(actor: Actor, topic: string): Promise<void> {
    if (!isPrivateTopic(topic)) return;
    requireUser(actor);
    const [, id] = topic.split(':');
    if (id) await this.orders.get(actor, Number(id));
  }
}
