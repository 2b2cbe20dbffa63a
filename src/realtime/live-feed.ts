import type { ChangeEvent } from '../live/resources.js';
import type { ChangeFeed, EventLogReader } from '../events/change-feed.js';
import { EventSequencer } from '../events/event-sequencer.js';

export interface LiveFeedOptions {
  deliver: (event: ChangeEvent) => void;
  onBackfill: () => void;
  onError: (error: unknown) => void;
}

const GAP_TIMEOUT_MS = 100;

/**
 * This node's one in-order stream of the change feed: its own commits and other nodes' events go through one
 * sequencer, which hands each seq to `deliver` once, in order, reading the table for whatever did not arrive.
 */
export class LiveFeed {
  private constructor(
    private readonly sequencer: EventSequencer,
    /** The name of the event log this node serves (see `ChangeFeed.epoch`). */
    readonly epoch: string,
    private readonly stopListening: () => void,
  ) {}

  /**
   * Starts after `startAfter` (the seq of the snapshot the node's catalog loaded) and reads what was committed
   * since then: what was committed before is for replays to read.
   */
  static async start(
    feed: ChangeFeed,
    log: EventLogReader,
    startAfter: number,
    options: LiveFeedOptions,
  ): Promise<LiveFeed> {
    const epoch = await log.epoch();
    const sequencer = new EventSequencer(startAfter, {
      readAfter: log.readAfter,
      deliver: options.deliver,
      onBackfill: options.onBackfill,
      gapTimeoutMs: GAP_TIMEOUT_MS,
      onError: options.onError,
    });
    const stopListening = feed.onCommitted((event) => sequencer.accept(event));
    await sequencer.catchUp();
    return new LiveFeed(sequencer, epoch, stopListening);
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
