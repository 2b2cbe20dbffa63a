import WebSocket, { type ClientOptions } from 'ws';

export type Frame = Record<string, unknown> & { type: string; payload?: unknown };

let counter = 0;

/** A bare protocol-level socket for tests: every frame is kept, and helpers wait for specific ones. */
export class RawSocket {
  readonly frames: Frame[] = [];
  private waiters: Array<{ match: (frame: Frame) => boolean; resolve: (frame: Frame) => void }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(frame)) return true;
        waiter.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** Opens a socket and waits for the server's `connect` notification. */
  static async open(url: string, options: ClientOptions = {}): Promise<RawSocket> {
    const ws = new WebSocket(url, options);
    const socket = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('unexpected-response', (request, response) => {
        request.destroy();
        reject(
          Object.assign(new Error(`upgrade refused: ${response.statusCode}`), {
            statusCode: response.statusCode,
          }),
        );
      });
      socket.next((frame) => frame.event === 'connect').then(() => resolve(), reject);
    });
    return socket;
  }

  /** Waits for the first frame (already received or coming) that matches. */
  next(match: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs);
      this.waiters.push({
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends a request (with any further frame fields, such as `minSeq`) and resolves with its response frame. */
  request(action: string, payload: unknown = {}, fields: Record<string, unknown> = {}): Promise<Frame> {
    const correlationId = `t${++counter}`;
    // Only an answer to this request: a frame received before it was sent may carry the same id (a fuzzed one).
    const earlier = new Set(this.frames);
    this.send({ type: 'request', correlationId, timestamp: Date.now(), action, payload, ...fields });
    return this.next(
      (frame) => frame.type === 'response' && frame.correlationId === correlationId && !earlier.has(frame),
    );
  }

  events(): Array<{ seq: number; event: string; topic: string; payload: Record<string, unknown> }> {
    return this.frames.filter((frame) => typeof frame.seq === 'number') as never;
  }

  /** Waits until an event with at least this seq has arrived. */
  waitForSeq(seq: number, timeoutMs = 10_000): Promise<Frame> {
    return this.next((frame) => typeof frame.seq === 'number' && frame.seq >= seq, timeoutMs);
  }

  close(): void {
    this.ws.close();
  }
}
