import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { Actor } from '../services/access.js';
import { EventStream, type EventSink } from './event-stream.js';
import { corkUntilTurnEnds, currentTurn } from './corked-writes.js';
import type { EventFrame } from './frames.js';
import { TokenBucket } from './token-bucket.js';

export interface ConnectionLimits {
  messagesPerMinute: number;
  messageBurst: number;
  maxQueuedMessages: number;
}

interface QueuedEvent {
  frame: EventFrame;
  seq: number;
}

/** Bytes the socket has buffered but not yet written, above which frames wait in our queues. */
const HIGH_WATER_BYTES = 256 * 1024;

/**
 * One client socket: who it is, the events it is sent (`stream`), and its outbound queues. Responses always
 * go before notifications; a subscriber whose notification queue overflows is told `lagged` and closed.
 */
export class ClientConnection implements EventSink {
  actor: Actor = null;
  alive = true;
  readonly stream: EventStream;
  /** The replay of the last `subscribe {since}`, while it runs. */
  replay: Promise<void> | undefined;
  /** Subscription changes, one after the other in the order they were asked for. */
  private changes: Promise<unknown> = Promise.resolve();
  private readonly responses: string[] = [];
  private readonly notifications: QueuedEvent[] = [];
  /** A frame sent past the high-water mark is being written; the queues wait for it. */
  private awaitingDrain = false;
  /** The event-loop turn of the last event frame written (see corked-writes.ts). */
  private lastWriteTurn = -1;
  private roomWaiters: Array<() => void> = [];
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
    this.stream = new EventStream(this, limits.maxQueuedMessages);
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

  /** Runs a subscription change once those asked for before it are done. */
  serially<T>(change: () => Promise<T>): Promise<T> {
    const run = this.changes.then(change, change);
    this.changes = run.catch(() => undefined);
    return run;
  }

  sendEvent(frame: EventFrame, seq: number): void {
    if (this.closed) return;
    // The common case, nothing queued ahead (the queues hold frames only while a write is awaited, as `flush`
    // empties them otherwise): straight to the socket, no allocation, touching as little memory as it can,
    // since this runs once per subscriber for every event.
    if (!this.awaitingDrain) {
      this.writeEvent(frame);
      return;
    }
    this.notifications.push({ frame, seq });
    if (this.notifications.length > this.limits.maxQueuedMessages) {
      this.overflowed();
      return;
    }
    this.flush();
  }

  overflowed(): void {
    this.onLagged(this, this.resumeFrom);
  }

  /** Where a client that lags resumes: everything owed up to this seq has been written to the socket. */
  private get resumeFrom(): number {
    const firstQueued = this.notifications[0];
    return firstQueued ? firstQueued.seq - 1 : this.stream.cursor;
  }

  /** Resolves once the notification queue is below half its limit (at once when it is): a replay never lags. */
  roomForReplay(): Promise<void> | undefined {
    if (this.closed || this.notifications.length < this.limits.maxQueuedMessages / 2) return undefined;
    return new Promise<void>((resolve) => this.roomWaiters.push(resolve));
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
    this.wakeRoomWaiters();
    this.cancelExpiry();
    this.responses.length = 0;
    this.notifications.length = 0;
    this.stream.goLive();
  }

  private flush(): void {
    while (!this.awaitingDrain && !this.closed) {
      const response = this.responses.shift();
      if (response !== undefined) {
        this.writeResponse(response);
        continue;
      }
      const event = this.notifications.shift();
      if (event === undefined) break;
      this.writeEvent(event.frame);
    }
    if (this.notifications.length < this.limits.maxQueuedMessages / 2) this.wakeRoomWaiters();
  }

  /**
   * Writes an event frame (framed already) straight to the TCP socket: ws writes synchronously to that same
   * socket (no compression is negotiated), so the order holds, and nothing goes out once ws has begun closing.
   */
  private writeEvent(frame: EventFrame): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    const turn = currentTurn();
    if (this.lastWriteTurn === turn) corkUntilTurnEnds(this.wire);
    this.lastWriteTurn = turn;
    this.wire.write(frame, this.afterWriteOf(frame.length));
  }

  /** Sends a response through ws. */
  private writeResponse(frame: string): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(frame, this.afterWriteOf(frame.length));
  }

  /**
   * Nothing, below the high-water mark; past it, the queues wait until this write is out (`drained`). What the
   * TCP socket holds is all ws has buffered too: with no compression its sender never queues.
   */
  private afterWriteOf(length: number): (() => void) | undefined {
    if (this.wire.writableLength + length < HIGH_WATER_BYTES) return undefined;
    this.awaitingDrain = true;
    return this.drained;
  }

  private readonly drained = (): void => {
    this.awaitingDrain = false;
    this.flush();
  };

  private wakeRoomWaiters(): void {
    for (const wake of this.roomWaiters.splice(0)) wake();
  }
}
