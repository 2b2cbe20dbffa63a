import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';

export type Received = Record<string, unknown> & { type: string; payload?: unknown; seq?: number };

/** Reads the payload of one unmasked server text frame, as `eventFrame` builds it. */
function framePayload(frame: Buffer): string {
  const length = (frame[1] as number) & 0x7f;
  const offset = length === 126 ? 4 : length === 127 ? 10 : 2;
  return frame.subarray(offset).toString();
}

/**
 * A WebSocket and the TCP socket under it, in memory, for driving the real gateway without a network: what the
 * gateway writes through either is read back in the order it was written. `congested` makes every write
 * report a full buffer, so the connection queues until `drain()`.
 */
export class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  congested = false;
  readonly received: Received[] = [];
  closeCode: number | undefined;
  private pendingCallbacks: Array<() => void> = [];

  /** While the TCP side is corked, what is written through either side waits here, in order. */
  private corks = 0;
  private corked: Array<() => void> = [];

  /** The TCP side: event frames, framed already, are written here. */
  readonly wire = {
    write: (frame: Buffer, written?: () => void) => this.take(framePayload(frame), written),
    writableLength: 0,
    writableCorked: 0,
    cork: () => {
      this.corks += 1;
    },
    uncork: () => {
      this.corks = Math.max(0, this.corks - 1);
      if (this.corks === 0) for (const write of this.corked.splice(0)) write();
    },
  } as unknown as Socket;

  constructor() {
    super();
    Object.defineProperties(this.wire, {
      writableLength: { get: () => (this.congested ? 1 << 30 : 0) },
      writableCorked: { get: () => this.corks },
    });
  }

  send(text: string, written?: () => void): void {
    this.take(text, written);
  }

  /** Lets every write that waited on the buffer complete. */
  drain(): void {
    this.congested = false;
    for (const written of this.pendingCallbacks.splice(0)) written();
  }

  /** Hands the gateway a frame as the client would send it. */
  receive(frame: unknown): void {
    this.emit('message', Buffer.from(JSON.stringify(frame)), false);
  }

  close(code: number): void {
    if (this.readyState !== WebSocket.OPEN) return;
    this.readyState = WebSocket.CLOSING;
    this.closeCode = code;
    setImmediate(() => {
      this.readyState = WebSocket.CLOSED;
      this.emit('close', code);
    });
  }

  terminate(): void {
    this.close(1006);
  }

  ping(): void {}

  /** Resolves once the turn of the event loop is over, when corked writes have gone out. */
  turnEnded(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  private take(text: string, written?: () => void): void {
    if (this.readyState !== WebSocket.OPEN) return;
    if (this.corks > 0) {
      this.corked.push(() => this.arrive(text, written));
      return;
    }
    this.arrive(text, written);
  }

  private arrive(text: string, written?: () => void): void {
    this.received.push(JSON.parse(text) as Received);
    if (!written) return;
    if (this.congested) this.pendingCallbacks.push(written);
    else written();
  }
}
