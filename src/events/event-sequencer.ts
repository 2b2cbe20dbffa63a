import type { ChangeEvent } from '../live/resources.js';

export interface SequencerOptions {
  /** Reads committed events after a seq, oldest first (the event table). */
  readAfter: (afterSeq: number, limit: number) => Promise<ChangeEvent[]>;
  /** Receives every event exactly once, in seq order. */
  deliver: (event: ChangeEvent) => void;
  /** How long a gap may stay open before the missing events are read from the table. */
  gapTimeoutMs: number;
  /** Called when a read of the table found events that had not arrived. */
  onBackfill?: () => void;
  onError: (error: unknown) => void;
}

const BACKFILL_PAGE = 500;

/**
 * Turns events that may arrive late, twice or out of order (publishers racing after commit, or a transport
 * that drops messages) into one gap-free stream in seq order. A gap that does not close by itself is filled
 * from the event table.
 */
export class EventSequencer {
  private lastDelivered: number;
  private readonly waiting = new Map<number, ChangeEvent>();
  private gapTimer: NodeJS.Timeout | undefined;
  private backfill: Promise<void> | undefined;
  private readAgain = false;

  constructor(
    startAfterSeq: number,
    private readonly options: SequencerOptions,
  ) {
    this.lastDelivered = startAfterSeq;
  }

  get lastSeq(): number {
    return this.lastDelivered;
  }

  accept(event: ChangeEvent): void {
    if (event.seq <= this.lastDelivered) return;
    this.waiting.set(event.seq, event);
    this.drain();
  }

  /**
   * Reads anything committed after the last delivered seq; for callers that suspect a loss (e.g. polling).
   * A call during a read makes that read go round once more, so it covers everything committed before the call.
   */
  catchUp(): Promise<void> {
    if (this.backfill) {
      this.readAgain = true;
      return this.backfill;
    }
    this.backfill = this.readMissing().finally(() => (this.backfill = undefined));
    return this.backfill;
  }

  private async readMissing(): Promise<void> {
    do {
      this.readAgain = false;
      for (;;) {
        const events = await this.options.readAfter(this.lastDelivered, BACKFILL_PAGE);
        if (events.length > 0) this.options.onBackfill?.();
        for (const event of events) this.accept(event);
        if (events.length < BACKFILL_PAGE) break;
      }
    } while (this.readAgain);
  }

  stop(): void {
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
  }

  private drain(): void {
    let next = this.waiting.get(this.lastDelivered + 1);
    while (next) {
      this.waiting.delete(next.seq);
      this.lastDelivered = next.seq;
      this.options.deliver(next);
      next = this.waiting.get(this.lastDelivered + 1);
    }
    if (this.waiting.size === 0) {
      this.stop();
    } else if (!this.gapTimer) {
      this.gapTimer = setTimeout(() => {
        this.gapTimer = undefined;
        this.catchUp().catch(this.options.onError);
      }, this.options.gapTimeoutMs);
    }
  }
}
