import type { ChangeEvent } from '../live/resources.js';
import type { ChangeFeed, EventLogReader } from '../events/change-feed.js';
import { EventSequencer } from '../events/event-sequencer.js';

export interface LiveFeedOptions {
  onBackfill: () => void;
  onError: (error: unknown) => void;
}

type Consumer = (event: ChangeEvent) => void;

const GAP_TIMEOUT_MS = 100;

/**
 * This node's one in-order stream of the change feed: its own commits and other nodes' events go through one
 * sequencer, which hands each seq once, in order, to every consumer in the order they were added, reading the
 * table for whatever did not arrive.
 */
export class LiveFeed {
  private constructor(
    private readonly consumers: Consumer[],
    private readonly sequencer: EventSequencer,
    /** The name of the event log this node serves (see `ChangeFeed.epoch`). */
    readonly epoch: string,
    private readonly stopListening: () => void,
  ) {}

  /**
   * Follows the feed from after `startAfter` (the seq of the snapshot the node's catalog loaded): what was
   * committed before is for replays to read. Add the consumers, then `catchUp` for what was committed since.
   */
  static async start(
    feed: ChangeFeed,
    log: EventLogReader,
    startAfter: number,
    options: LiveFeedOptions,
  ): Promise<LiveFeed> {
    const epoch = await log.epoch();
    const consumers: Consumer[] = [];
    const sequencer = new EventSequencer(startAfter, {
      readAfter: log.readAfter,
      deliver: (event) => {
        for (const consumer of consumers) consumer(event);
      },
      onBackfill: options.onBackfill,
      gapTimeoutMs: GAP_TIMEOUT_MS,
      onError: options.onError,
    });
    const stopListening = feed.onCommitted((event) => sequencer.accept(event));
    return new LiveFeed(consumers, sequencer, epoch, stopListening);
  }

  /** Hands every event from now on to `consumer` too, after the consumers added before it. */
  consume(consumer: Consumer): void {
    this.consumers.push(consumer);
  }

  /** Feeds an event committed on another node into the same stream as local commits. */
  accept(event: ChangeEvent): void {
    this.sequencer.accept(event);
  }

  /** Delivers whatever was committed after the last delivered seq. */
  catchUp(): Promise<void> {
    return this.sequencer.catchUp();
  }

  /** The newest seq delivered. */
  get lastSeq(): number {
    return this.sequencer.lastSeq;
  }

  stop(): void {
    this.stopListening();
    this.sequencer.stop();
  }
}
