import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { ChangeEvent } from '../live/resources.js';
import type { ChangeFeed } from '../events/change-feed.js';
import type { Revocation, SessionRevocations } from '../events/session-revocations.js';
import type { RedisBreaker } from './redis-breaker.js';

/** How events from other nodes reach this one: over Redis pub/sub, or by reading the event table. */
export type FanoutMode = 'pubsub' | 'polling';

/** What this node does with what other nodes tell it: the realtime gateway. */
export interface LocalDelivery {
  acceptEvent(event: ChangeEvent): void;
  /** Reads events committed since the last one delivered. */
  catchUp(): Promise<void>;
  /** Checks open sockets' sessions against the database (revocations may have been missed). */
  revalidateSessions(): Promise<void>;
}

export interface ClusterBusOptions {
  nodeId: string;
  keyPrefix: string;
  /** Reading interval of the event table while pub/sub is unavailable. */
  pollIntervalMs: number;
  onPubsubMessage?: (channel: 'events' | 'revocations') => void;
  onPublished?: (channel: 'events' | 'revocations') => void;
}

/** While pub/sub works, the table is still swept now and then for events a node could not publish. */
const SWEEP_EVERY_POLLS = 5;

interface Envelope {
  from: string;
  event?: ChangeEvent;
  revocation?: Revocation;
}

/**
 * Carries change events and session revocations between nodes over Redis pub/sub.
 *
 * Every node publishes its own commits after they commit and delivers them locally at once; other nodes
 * receive them from Redis and hand them to their sequencer, which orders them and backfills gaps from the
 * event table. While the subscriber connection is down, the node polls the event table instead (and checks
 * its sockets' sessions, since revocations cannot arrive), and once it is back it re-subscribes, reads what
 * it missed, and switches back to pub/sub. Nothing relies on Redis
 * for durability: PostgreSQL's event table is the truth, pub/sub only makes delivery fast.
 */
export class ClusterBus {
  private readonly subscriber: Redis;
  private readonly channels: { events: string; revocations: string };
  private readonly stops: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private current: FanoutMode = 'polling';
  private stopped = false;

  constructor(
    private readonly redis: RedisBreaker,
    private readonly feed: ChangeFeed,
    private readonly revocations: SessionRevocations,
    private readonly local: LocalDelivery,
    private readonly options: ClusterBusOptions,
    private readonly log: FastifyBaseLogger,
  ) {
    this.channels = {
      events: `${options.keyPrefix}events`,
      revocations: `${options.keyPrefix}revocations`,
    };
    // Subscriptions wait in the offline queue until the connection is up; ioredis re-subscribes on reconnect.
    this.subscriber = redis.client.duplicate({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      lazyConnect: true,
    });
  }

  get mode(): FanoutMode {
    return this.current;
  }

  start(): void {
    const { subscriber } = this;
    subscriber.on('message', (channel: string, message: string) => this.receive(channel, message));
    subscriber.on('ready', () => void this.resumePubsub());
    subscriber.on('close', () => this.setMode('polling'));
    subscriber.on('error', (error) => this.log.debug({ err: error }, 'redis subscriber error'));
    this.stops.push(
      this.feed.onCommitted((event) => this.send({ from: this.options.nodeId, event }, 'events')),
      this.revocations.subscribe((revocation, origin) => {
        if (origin === 'local') this.send({ from: this.options.nodeId, revocation }, 'revocations');
      }),
    );
    this.schedule();
    subscriber
      .connect()
      .catch((error) => this.log.warn({ err: error }, 'redis pub/sub is unreachable; polling'));
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    for (const stop of this.stops.splice(0)) stop();
    this.subscriber.disconnect();
  }

  private async resumePubsub(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channels.events, this.channels.revocations);
      // Anything committed or revoked before the subscription took effect is in the database.
      await Promise.all([this.local.catchUp(), this.local.revalidateSessions()]);
      if (this.subscriber.status === 'ready') this.setMode('pubsub');
    } catch (error) {
      this.log.warn({ err: error }, 'could not resume pub/sub; still polling');
    }
  }

  private setMode(mode: FanoutMode): void {
    if (this.stopped || mode === this.current) return;
    this.current = mode;
    this.log.info(
      { mode },
      mode === 'pubsub' ? 'events arrive over pub/sub' : 'pub/sub lost; polling events',
    );
    this.schedule();
  }

  private schedule(): void {
    clearInterval(this.timer);
    const every = this.options.pollIntervalMs * (this.current === 'pubsub' ? SWEEP_EVERY_POLLS : 1);
    const polling = this.current === 'polling';
    this.timer = setInterval(() => {
      const reads = [this.local.catchUp(), ...(polling ? [this.local.revalidateSessions()] : [])];
      Promise.all(reads).catch((error) => this.log.warn({ err: error }, 'could not read the database'));
    }, every);
    this.timer.unref();
  }

  private send(envelope: Envelope, kind: 'events' | 'revocations'): void {
    const message = JSON.stringify(envelope);
    const channel = this.channels[kind];
    this.redis
      .run((redis) => redis.publish(channel, message))
      .then(() => this.options.onPublished?.(kind))
      .catch((error) => this.log.debug({ err: error, channel }, 'could not publish; other nodes will poll'));
  }

  private receive(channel: string, message: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      this.log.warn({ channel }, 'ignored a malformed cluster message');
      return;
    }
    if (envelope.from === this.options.nodeId) return;
    if (channel === this.channels.events && typeof envelope.event?.seq === 'number') {
      this.options.onPubsubMessage?.('events');
      this.local.acceptEvent(envelope.event);
    } else if (channel === this.channels.revocations && envelope.revocation) {
      this.options.onPubsubMessage?.('revocations');
      this.revocations.publish(envelope.revocation, 'remote');
    }
  }
}
