import type { ChangeEvent } from '../live/resources.js';
import type { Actor } from '../services/access.js';
import { eventFrame, type EventFrame } from './frames.js';
import { canSee, topicsOf, type Audience } from '../live/resources.js';

/** Where a stream's events go: the connection's outbound queue. */
export interface EventSink {
  readonly actor: Actor;
  sendEvent(frame: EventFrame, seq: number): void;
  /** More live events are held back than the connection may queue. */
  overflowed(): void;
}

interface Offer {
  event: ChangeEvent;
  topic: string;
  frame: EventFrame;
}

/**
 * What one connection is sent of the change feed, through one gate.
 *
 * Invariant: `cursor` is the seq up to which the connection's stream is settled: every event it was owed up
 * to the cursor has been sent, and none at or below it will be. An event is sent only if its seq is above the
 * cursor, it is on a topic the connection holds, and the connection's caller may see it; sending it moves the
 * cursor to its seq. Whichever source offers an event (the node's live stream, a replay page, a live event
 * held back during a replay), this gate alone decides, so a connection gets every event at most once and in
 * seq order. (Subscribing moves the cursor too: to `since`, or to the node's position without it.)
 */
export class EventStream {
  readonly topics = new Set<string>();
  cursor = 0;
  /** While a replay runs, live events wait here to be merged in seq order with the replayed ones. */
  private held: Offer[] | undefined;

  constructor(
    private readonly sink: EventSink,
    private readonly maxHeld: number,
  ) {}

  /**
   * The live source, which offers an event only under a topic this stream holds (the subscription registry and
   * `topics` change together): sends it, or holds it while a replay runs. Returns whether it was sent. This is
   * the gate of `pass` without the topic lookup, since it runs once per subscriber for every event. `audience`
   * is the event's (see `audienceOf`), asked once for all its subscribers.
   */
  offer(event: ChangeEvent, topic: string, frame: EventFrame, audience: Audience): boolean {
    if (!this.held) {
      if (event.seq <= this.cursor || (audience !== undefined && !audience(this.sink.actor))) return false;
      return this.send(event, frame);
    }
    if (event.seq > this.cursor) {
      this.held.push({ event, topic, frame });
      if (this.held.length > this.maxHeld) this.sink.overflowed();
    }
    return false;
  }

  /** The gate. `topic` and `frame`, when given, are the topic the event was found under and its frame. */
  pass(event: ChangeEvent, topic?: string, frame?: EventFrame): boolean {
    if (event.seq <= this.cursor) return false;
    const via = topic !== undefined && this.topics.has(topic) ? topic : this.heldTopicOf(event);
    if (via === undefined || !canSee(this.sink.actor, event)) return false;
    return this.send(event, via === topic && frame ? frame : eventFrame(event, via));
  }

  /** Through the gate: the cursor moves to the event, which goes to the connection's queue. */
  private send(event: ChangeEvent, frame: EventFrame): true {
    this.cursor = event.seq;
    this.sink.sendEvent(frame, event.seq);
    return true;
  }

  get replaying(): boolean {
    return this.held !== undefined;
  }

  /** Starts holding live events back: a replay is about to read the event table. */
  holdLive(): void {
    this.held ??= [];
  }

  holdsAny(): boolean {
    return (this.held?.length ?? 0) > 0;
  }

  /** Passes the oldest held event through the gate. */
  passNextHeld(): void {
    const next = this.held?.shift();
    if (next) this.pass(next.event, next.topic, next.frame);
  }

  /** Goes back to sending live events at once. Nothing is held by then, unless the connection is closing. */
  goLive(): void {
    this.held = undefined;
  }

  private heldTopicOf(event: ChangeEvent): string | undefined {
    return topicsOf(event).find((topic) => this.topics.has(topic));
  }
}
