import WebSocket from 'ws';

/**
 * A subscriber written from the public contract (API.md, "WebSocket") alone, not from the typed client:
 * it connects, subscribes to `pets` and `inventory` with `since` and `epoch`, checks every event it is sent,
 * and resumes from its last seq when it is told to reconnect. It never deduplicates: anything the server sends
 * twice, out of order or with a gap is recorded as a violation.
 */
export interface Delivery {
  seq: number;
  receivedAt: number;
  /** When the change was made (the resource's `updatedAt`), on the same clock. */
  changedAt: number;
  /** Made before this connection subscribed: replayed on resume, not sent live. */
  replayed: boolean;
}

const TOPICS = ['pets', 'inventory'];

export class PlainSubscriber {
  readonly deliveries: Delivery[] = [];
  readonly violations: string[] = [];
  readonly closeCodes: number[] = [];
  /** Milliseconds from `reconnect()` to the subscribe answer, for each resume. */
  readonly resumeTimes: number[] = [];
  lastSeq: number;
  private epoch: string | undefined;
  private subscribedAt = 0;
  private socket: WebSocket | undefined;
  private next = 0;

  constructor(
    readonly name: string,
    private readonly url: string,
    since: number,
  ) {
    this.lastSeq = since;
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Connects and subscribes from the last seq seen; resolves once the subscribe answer is in, false if refused. */
  async reconnect(): Promise<boolean> {
    const started = Date.now();
    const socket = new WebSocket(this.url);
    this.socket = socket;
    const subscribed = new Promise<boolean>((resolve) => {
      socket.on('error', () => resolve(false));
      socket.on('close', (code) => {
        this.closeCodes.push(code);
        resolve(false);
      });
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as Record<string, unknown>;
        const payload = frame.payload as Record<string, unknown>;
        if (frame.type === 'notification' && frame.event === 'connect') {
          this.epoch ??= payload.epoch as string;
          if (payload.epoch !== this.epoch)
            this.violations.push(`${this.name}: epoch changed to ${payload.epoch}`);
          const correlationId = `${this.name}-${++this.next}`;
          socket.send(
            JSON.stringify({
              type: 'request',
              correlationId,
              timestamp: Date.now(),
              action: 'subscribe',
              payload: { topics: TOPICS, since: this.lastSeq, epoch: this.epoch },
            }),
          );
        } else if (frame.type === 'response') {
          if (frame.status === 'success') {
            this.subscribedAt = Date.now();
            this.resumeTimes.push(this.subscribedAt - started);
            resolve(true);
          } else {
            this.violations.push(
              `${this.name}: subscribe since ${this.lastSeq} refused: ${JSON.stringify(payload)}`,
            );
            resolve(false);
          }
        } else if (typeof frame.seq === 'number') {
          this.receive(frame.seq, payload);
        }
      });
    });
    return subscribed;
  }

  close(): void {
    this.socket?.close();
  }

  private receive(seq: number, payload: Record<string, unknown>): void {
    if (seq <= this.lastSeq)
      this.violations.push(`${this.name}: seq ${seq} again (last was ${this.lastSeq})`);
    else if (seq !== this.lastSeq + 1)
      this.violations.push(`${this.name}: gap from ${this.lastSeq} to ${seq}`);
    if (seq <= this.lastSeq) return;
    this.lastSeq = seq;
    const changedAt = typeof payload.updatedAt === 'string' ? Date.parse(payload.updatedAt) : Number.NaN;
    this.deliveries.push({ seq, receivedAt: Date.now(), changedAt, replayed: changedAt < this.subscribedAt });
  }
}
