import type { FastifyBaseLogger } from 'fastify';
import { ResyncRequiredError, UnauthenticatedError } from '../errors.js';
import type { EventLogReader } from '../events/change-feed.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import { requireUser, type Actor } from '../services/access.js';
import type { Respond } from './action-dispatcher.js';
import type { ClientConnection } from './client-connection.js';
import type { LiveFeed } from './live-feed.js';
import { replay } from './replay.js';
import type { SubscriptionRegistry } from './subscription-registry.js';
import { isRestrictedTopic, itemOf, type RestrictedTopic } from '../live/resources.js';

const CLOSE_TRY_AGAIN_LATER = 1013;

/**
 * For each restricted resource, the read that decides whether a caller may hold one item's topic: it throws
 * (404, 403) when the caller may not read the item itself.
 */
export type ItemAccess = Record<RestrictedTopic, (actor: Actor, id: number) => Promise<unknown>>;

export interface SubscribeInput {
  topics: string[];
  since?: number | undefined;
  epoch?: string | undefined;
}

export interface SubscribeAnswer {
  topics: string[];
  /** The connection's cursor: every matching event after this seq will be sent (after the replay, with `since`). */
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
    private readonly itemAccess: ItemAccess,
    private readonly metrics: ServiceMetrics,
    private readonly logger: FastifyBaseLogger,
  ) {}

  subscribe(connection: ClientConnection, input: SubscribeInput, respond: Respond): Promise<void> {
    return connection.serially(async () => {
      await connection.replay;
      const { stream } = connection;
      const actor = connection.actor;
      for (const topic of input.topics) await this.authorizeTopic(actor, topic);
      if (input.since !== undefined) {
        const joining = input.topics.some((topic) => !stream.topics.has(topic));
        await this.checkResumable(input.since, input.epoch, joining && stream.topics.size > 0);
      }
      // From here on nothing waits: the checks and the change happen at one point of the live stream.
      // The session may have ended meanwhile; private topics were granted to the one the call began with.
      if (connection.actor !== actor && input.topics.some(isRestrictedTopic))
        throw new UnauthenticatedError();
      const added = input.topics.filter((topic) => !stream.topics.has(topic));
      if (input.since !== undefined && added.length > 0) this.joinAt(connection, input.since);
      // Without `since`, topics join at this node's position: everything up to it is behind the stream now.
      else if (added.length > 0) stream.cursor = Math.max(stream.cursor, this.live.lastSeq);
      this.registry.add(connection, added);
      const answer: SubscribeAnswer = {
        topics: [...stream.topics],
        seq: stream.cursor,
        epoch: this.live.epoch,
      };
      respond(answer);
      if (stream.replaying) this.startReplay(connection);
    });
  }

  /** Answers `{ topics, seq }`: no event after `seq` is sent for the topics removed. */
  unsubscribe(connection: ClientConnection, topics: string[], respond: Respond): Promise<void> {
    return connection.serially(async () => {
      this.registry.remove(connection, topics);
      respond({ topics: [...connection.stream.topics], seq: connection.stream.cursor });
    });
  }

  /**
   * Whether events after `since` can be replayed here; when topics join a connection that holds others, this
   * node first catches up to `since`, so that the events of the held topics up to it have all been offered.
   */
  private async checkResumable(since: number, epoch: string | undefined, joinsLiveStream: boolean) {
    if (epoch !== undefined && epoch !== this.live.epoch) {
      throw this.resync(`since ${since} is a seq of event log ${epoch}; this one is ${this.live.epoch}`);
    }
    const [replayableFrom, newest] = await Promise.all([this.log.replayableFrom(), this.log.currentSeq()]);
    if (since < replayableFrom) throw this.resync(`Events after ${since} are no longer kept`);
    if (since > newest) throw this.resync(`Nothing has been committed after ${newest} yet (since ${since})`);
    if (joinsLiveStream && since > this.live.lastSeq) await this.live.catchUp();
  }

  /**
   * Moves the cursor to `since` and holds live events for the replay. The stream never goes back: topics
   * cannot join below what the connection was already sent.
   */
  private joinAt(connection: ClientConnection, since: number): void {
    const { stream } = connection;
    if (since < stream.cursor) {
      throw this.resync(
        `This connection was already sent events up to ${stream.cursor}; ` +
          `topics can join its stream from there on, not from ${since}`,
      );
    }
    stream.cursor = since;
    stream.holdLive();
  }

  /** The replay follows the answer; a failure closes the socket (the client resubscribes). */
  private startReplay(connection: ClientConnection): void {
    connection.replay = replay(connection, connection.stream.cursor, this.log.readAfter)
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
    if (!isRestrictedTopic(topic)) return;
    requireUser(actor);
    const id = itemOf(topic);
    if (id !== undefined) await this.itemAccess[topic.split(':')[0] as RestrictedTopic](actor, id);
  }
}
