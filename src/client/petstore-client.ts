/**
 * A small typed client for the Pet Store WebSocket API, for Node and browsers.
 * It reconnects with exponential backoff and jitter, re-authenticates, and resumes every subscription
 * from the last `seq` it saw (with that seq's event-log `epoch`), so a subscriber misses nothing across drops.
 * When the server cannot resume it (`RESYNC_REQUIRED`), the client subscribes afresh and emits `resync`: the
 * application reloads its snapshot over REST.
 */

import {
  PetstoreRequestError,
  type ChangeNotification,
  type ClientOptions,
  type ConnectionState,
  type SubscribeAnswer,
  type WebSocketConstructor,
  type WebSocketLike,
} from './types.js';

interface Pending {
  resolve: (payload: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Subscription {
  topics: Set<string>;
  handler: (notification: ChangeNotification) => void;
}

type Listener = (value: unknown) => void;
const OPEN = 1;

export class PetstoreClient {
  state: ConnectionState = 'closed';
  /** The newest event seq received; subscriptions resume after it. */
  lastSeq: number | undefined;
  /** The event log `lastSeq` belongs to (from the server's answers). */
  epoch: string | undefined;
  private socket: WebSocketLike | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly listeners = new Map<string, Set<Listener>>();
  /**
   * The newest seq an answer to this client reflected (its own writes included): every later request asks to
   * reflect at least that (`minSeq`), so what it reads never goes back, whichever node a reconnect lands on.
   */
  private answeredSeq = 0;
  private nextId = 0;
  private attempt = 0;
  private stopped = true;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly options: Required<Pick<ClientOptions, 'requestTimeoutMs'>> & ClientOptions;

  constructor(options: ClientOptions) {
    this.options = { requestTimeoutMs: 10_000, ...options };
  }

  /** `state` (ConnectionState), `resync` (seq: events before it cannot be replayed; reload over REST),
   * `session.expired`, `lagged`, `notification` (any server notification). Returns an unsubscribe function. */
  on(
    event: 'state' | 'resync' | 'session.expired' | 'lagged' | 'notification',
    listener: Listener,
  ): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Connects, authenticates when a token is configured, and resumes subscriptions. */
  async connect(): Promise<void> {
    this.stopped = false;
    await this.open();
  }

  async request<T = unknown>(action: string, payload: unknown = {}): Promise<T> {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN)
      throw new PetstoreRequestError('DISCONNECTED', 'Not connected');
    const correlationId = `c${++this.nextId}`;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(
          new PetstoreRequestError(
            'TIMEOUT',
            `${action} got no answer in ${this.options.requestTimeoutMs} ms`,
          ),
        );
      }, this.options.requestTimeoutMs);
      this.pending.set(correlationId, { resolve: resolve as (payload: unknown) => void, reject, timer });
      const minSeq = this.answeredSeq > 0 ? { minSeq: this.answeredSeq } : {};
      socket.send(
        JSON.stringify({ type: 'request', correlationId, timestamp: Date.now(), action, payload, ...minSeq }),
      );
    });
  }

  /**
   * Subscribes to topics; `handler` gets their change events in seq order. Pass `since` (e.g. a REST
   * response's `X-Event-Seq`) to have what changed after it replayed first. If the server cannot replay from
   * there (pruned, another epoch, or this connection already went past it), the topics are subscribed from
   * now on and `resync` is emitted.
   */
  async subscribe(
    topics: string[],
    handler: (notification: ChangeNotification) => void,
    options: { since?: number; epoch?: string } = {},
  ): Promise<SubscribeAnswer> {
    const subscription = { topics: new Set(topics), handler };
    this.subscriptions.add(subscription);
    const answer = await this.join(topics, options.since, options.epoch);
    if (this.lastSeq === undefined) {
      this.lastSeq = answer.resynced ? answer.seq : (options.since ?? answer.seq);
      this.epoch = answer.epoch;
    }
    if (answer.resynced && this.state === 'resyncing') this.setState('open');
    return { topics: answer.topics, seq: answer.seq, epoch: answer.epoch };
  }

  async unsubscribe(topics: string[]): Promise<void> {
    for (const subscription of this.subscriptions) {
      for (const topic of topics) subscription.topics.delete(topic);
      if (subscription.topics.size === 0) this.subscriptions.delete(subscription);
    }
    await this.request('unsubscribe', { topics });
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.socket?.close(1000, 'client closing');
    this.setState('closed');
  }

  private async open(): Promise<void> {
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const Impl =
      this.options.WebSocket ??
      (globalThis.WebSocket as unknown as WebSocketConstructor | undefined) ??
      (await loadWs());
    const socket = new Impl(this.options.url);
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      let opened = false;
      socket.addEventListener('message', (event) => {
        const frame = JSON.parse(String(event.data)) as Record<string, unknown>;
        if (frame.type === 'notification' && frame.event === 'connect' && !opened) {
          opened = true;
          resolve();
        }
        this.onFrame(frame);
      });
      socket.addEventListener('error', () => {
        if (!opened)
          reject(new PetstoreRequestError('DISCONNECTED', `Could not connect to ${this.options.url}`));
      });
      socket.addEventListener('close', () => {
        if (!opened)
          reject(new PetstoreRequestError('DISCONNECTED', `Could not connect to ${this.options.url}`));
        if (this.socket === socket) this.onClosed();
      });
    });
    await this.authenticate();
    await this.resume();
    this.attempt = 0;
    this.setState('open');
  }

  private async authenticate(): Promise<void> {
    const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
    if (token) await this.request('authenticate', { token });
  }

  /** Re-subscribes every topic after the last seq seen; on RESYNC_REQUIRED starts fresh and says so. */
  private async resume(): Promise<void> {
    const topics = [...new Set([...this.subscriptions].flatMap((subscription) => [...subscription.topics]))];
    if (topics.length === 0) return;
    const answer = await this.join(topics, this.lastSeq, this.epoch);
    if (answer.resynced) {
      // Another event log (a restore) numbers its seqs anew: what this client saw says nothing there.
      this.lastSeq = answer.seq;
      if (answer.epoch !== this.epoch) this.answeredSeq = 0;
    }
    this.epoch = answer.epoch;
  }

  /** Subscribes from `since`, or, when the server answers RESYNC_REQUIRED, from now on (and emits `resync`). */
  private async join(
    topics: string[],
    since: number | undefined,
    epoch: string | undefined,
  ): Promise<SubscribeAnswer & { resynced: boolean }> {
    try {
      const resume = since === undefined ? {} : { since, ...(epoch !== undefined ? { epoch } : {}) };
      const answer = await this.request<SubscribeAnswer>('subscribe', { topics, ...resume });
      return { ...answer, resynced: false };
    } catch (error) {
      if (!(error instanceof PetstoreRequestError) || error.code !== 'RESYNC_REQUIRED') throw error;
      this.setState('resyncing');
      const answer = await this.request<SubscribeAnswer>('subscribe', { topics });
      this.emit('resync', answer.seq);
      return { ...answer, resynced: true };
    }
  }

  private onFrame(frame: Record<string, unknown>): void {
    if (frame.type === 'response') {
      const pending = this.pending.get(frame.correlationId as string);
      if (!pending) return;
      this.pending.delete(frame.correlationId as string);
      clearTimeout(pending.timer);
      if (frame.status === 'success') {
        if (typeof frame.seq === 'number') this.answeredSeq = Math.max(this.answeredSeq, frame.seq);
        pending.resolve(frame.payload);
      } else {
        const error = frame.payload as { code: string; message: string };
        pending.reject(new PetstoreRequestError(error.code, error.message, error));
      }
      return;
    }
    if (frame.type !== 'notification') return;
    this.emit('notification', frame);
    if (typeof frame.seq === 'number') {
      this.onEvent(frame as unknown as ChangeNotification);
    } else if (frame.event === 'session.expired') {
      this.emit('session.expired', frame.payload);
      const { droppedTopics, seq } = frame.payload as { droppedTopics: string[]; seq: number };
      // The dropped topics were complete up to `seq`: with a fresh token they resume from there.
      if (typeof this.options.token === 'function' && droppedTopics.length > 0)
        void this.authenticate()
          .then(() => this.join(droppedTopics, seq, this.epoch))
          .then((answer) => answer.resynced && this.setState('open'))
          .catch(() => {});
    } else if (frame.event === 'lagged') {
      this.emit('lagged', frame.payload);
    }
  }

  private onEvent(notification: ChangeNotification): void {
    if (this.lastSeq !== undefined && notification.seq <= this.lastSeq) return; // already seen
    this.lastSeq = notification.seq;
    const [collection] = notification.topic.split(':');
    const id = (notification.payload as { id?: number } | null)?.id;
    const candidates = [notification.topic, collection, id !== undefined ? `${collection}:${id}` : undefined];
    for (const subscription of this.subscriptions) {
      if (candidates.some((topic) => topic !== undefined && subscription.topics.has(topic))) {
        subscription.handler(notification);
      }
    }
  }

  private onClosed(): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new PetstoreRequestError('DISCONNECTED', 'The connection closed'));
      this.pending.delete(id);
    }
    if (this.stopped || this.options.reconnect?.enabled === false) {
      this.setState('closed');
      return;
    }
    this.setState('reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const initial = this.options.reconnect?.initialDelayMs ?? 250;
    const max = this.options.reconnect?.maxDelayMs ?? 10_000;
    // Full jitter: a uniformly random delay up to the exponential ceiling spreads a crowd of reconnecting clients.
    const delay = Math.random() * Math.min(max, initial * 2 ** this.attempt);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      if (this.stopped) return;
      // A failed attempt either closed the socket (onClosed schedules the next one) or failed to resume.
      this.open().catch(() => {
        if (this.socket?.readyState === OPEN) this.socket.close(4000, 'could not resume');
      });
    }, delay);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }

  private emit(event: string, value: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(value);
  }
}

async function loadWs(): Promise<WebSocketConstructor> {
  const module = await import('ws');
  return module.default as unknown as WebSocketConstructor;
}
