import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { ChangeEvent } from '../events/change-event.js';
import type { Actor } from '../services/access.js';
import { TokenBucket } from './token-bucket.js';

export interface ConnectionLimits {
  messagesPerMinute: number;
  messageBurst: number;
  maxQueuedMessages: number;
}

/** A notification's complete WebSocket frame (see `eventFrame`), encoded once for all its subscribers. */
export type EventFrame = Buffer;

interface QueuedEvent {
  frame: EventFrame;
  event: ChangeEvent;
}

/** Bytes the socket has buffered but not yet written, above which frames wait in our queues. */
const HIGH_WATER_BYTES = 256 * 1024;

/**
 * One client socket: who it is, what it subscribed to, and its outbound queues. Responses always go
 * before notifications; a subscriber whose notification queue overflows is told `lagged` and closed.
 */
export class ClientConnection {
  actor: Actor = null;
  readonly topics = new Set<string>();
  alive = true;
  /** Seq of the newest event handed to the socket. */
  lastSentSeq = 0;
  /** While a replay runs, live events wait here so that they can be merged in seq order. */
  private held: QueuedEvent[] | undefined;
  private readonly responses: string[] = [];
  private readonly notifications: QueuedEvent[] = [];
  /** A frame sent past the high-water mark is being written; the queues wait for it. */
  private awaitingDrain = false;
  private drainWaiters: Array<() => void> = [];
  private readonly bucket: TokenBucket;
  private rejectedInARow = 0;
  private expiryTimer: NodeJS.Timeout | undefined;
  closed = false;

  constructor(
    readonly id: string,
    readonly ip: string,
    private readonly socket: WebSocket,
    /** The TCP socket under `socket`: event frames, already framed, are written to it directly. */
    private readonly wire: Socket,
    private readonly limits: ConnectionLimits,
    private readonly onLagged: (connection: ClientConnection, resumeFrom: number) => void,
  ) {
    this.bucket = new TokenBucket(limits.messageBurst, limits.messagesPerMinute);
  }

  /** Takes a message token; counts refusals so that persistent abuse can be told apart. */
  admitMessage(): { admitted: boolean; abusive: boolean } {
    if (this.bucket.take()) {
      this.rejectedInARow = 0;
      return { admitted: true, abusive: false };
    }
    this.rejectedInARow += 1;
    return { admitted: false, abusive: this.rejectedInARow > 2 * this.limits.messageBurst };
  }

  sendResponse(frame: string): void {
    if (this.closed) return;
    this.responses.push(frame);
    this.flush();
  }

  sendEvent(frame: EventFrame, event: ChangeEvent): void {
    if (this.closed) return;
    if (this.held) {
      this.held.push({ frame, event });
      return;
    }
    // The common case, nothing queued ahead: straight to the socket, no allocation.
    if (this.notifications.length === 0 && this.responses.length === 0 && !this.awaitingDrain) {
      this.lastSentSeq = event.seq;
      this.write(frame);
      return;
    }
    this.notifications.push({ frame, event });
    if (this.notifications.length > this.limits.maxQueuedMessages) {
      this.onLagged(this, this.lastSentSeq);
      return;
    }
    this.flush();
  }

  /** Starts holding live events back (a replay is about to be read). */
  hold(): void {
    this.held ??= [];
  }

  /** Takes the held events with a seq below `seq`, in order, and keeps holding the rest. */
  takeHeldBefore(seq: number): QueuedEvent[] {
    const held = this.held ?? [];
    let count = 0;
    while (count < held.length && (held[count] as QueuedEvent).event.seq < seq) count += 1;
    return held.splice(0, count);
  }

  /** Stops holding and returns what was held, in arrival (seq) order. */
  release(): QueuedEvent[] {
    const held = this.held ?? [];
    this.held = undefined;
    return held;
  }

  /** Queues a replayed event, first waiting for the queue to drain to half its limit: a replay never lags. */
  async sendPaced(frame: EventFrame, event: ChangeEvent): Promise<void> {
    while (!this.closed && this.notifications.length >= this.limits.maxQueuedMessages / 2) {
      await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    }
    this.notifications.push({ frame, event });
    this.flush();
  }

  get queuedNotifications(): number {
    return this.notifications.length;
  }

  scheduleExpiry(at: number, onExpired: () => void): void {
    clearTimeout(this.expiryTimer);
    // setTimeout cannot wait longer than about 24.8 days; such tokens are checked again when the timer fires.
    const delay = Math.min(Math.max(at - Date.now(), 0), 2 ** 31 - 1);
    this.expiryTimer = setTimeout(onExpired, delay);
    this.expiryTimer.unref();
  }

  cancelExpiry(): void {
    clearTimeout(this.expiryTimer);
  }

  ping(): void {
    this.alive = false;
    this.socket.ping();
  }

  close(code: number, reason: string): void {
    this.markClosed();
    this.socket.close(code, reason);
  }

  /** Sends a last frame, dropping whatever is still queued, then closes (ws gives up after its close timeout). */
  sendFinal(frame: string, code: number, reason: string): void {
    this.markClosed();
    this.socket.send(frame);
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.markClosed();
    this.socket.terminate();
  }

  markClosed(): void {
    this.closed = true;
    this.wakeDrainWaiters();
    this.cancelExpiry();
    this.responses.length = 0;
    this.notifications.length = 0;
    this.held = undefined;
  }

  private flush(): void {
    while (!this.awaitingDrain && !this.closed) {
      const response = this.responses.shift();
      const event = response === undefined ? this.notifications.shift() : undefined;
      const frame = response ?? event?.frame;
      if (frame === undefined) break;
      if (event) this.lastSentSeq = event.event.seq;
      this.write(frame);
    }
    if (this.notifications.length < this.limits.maxQueuedMessages / 2) this.wakeDrainWaiters();
  }

  /**
   * Sends a response through ws, or writes an event frame (framed already) straight to the TCP socket: ws
   * writes synchronously to that same socket (no compression is negotiated), so the order holds, and nothing
   * goes out once ws has begun closing. Past the high-water mark the write carries a callback and the queues
   * wait until it is out.
   */
  private write(frame: string | EventFrame): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    const belowHighWater = this.socket.bufferedAmount + frame.length < HIGH_WATER_BYTES;
    if (!belowHighWater) this.awaitingDrain = true;
    const onWritten = belowHighWater ? undefined : this.drained;
    if (typeof frame === 'string') this.socket.send(frame, onWritten);
    else this.wire.write(frame, onWritten);
  }

  private readonly drained = (): void => {
    this.awaitingDrain = false;
    this.flush();
  };

  private wakeDrainWaiters(): void {
    for (const wake of this.drainWaiters.splice(0)) wake();
  }
}
