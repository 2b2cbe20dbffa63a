/** What the typed client's users see: its options, states, notifications, answers and errors. */

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'resyncing' | 'closed';

export interface ChangeNotification<T = unknown> {
  event: string;
  payload: T;
  topic: string;
  seq: number;
}

export interface ClientOptions {
  /** e.g. `ws://localhost:3000/ws` */
  url: string;
  /** A token, or a hook that returns a fresh one; called on every (re)connect and when a session expires. */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  requestTimeoutMs?: number;
  reconnect?: { enabled?: boolean; initialDelayMs?: number; maxDelayMs?: number };
  /** A WebSocket implementation; defaults to the global one, or the `ws` package on Node. */
  WebSocket?: WebSocketConstructor;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;
export interface WebSocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: 'open' | 'close' | 'error' | 'message',
    listener: (event: { data?: unknown; code?: number }) => void,
  ): void;
}

export interface SubscribeAnswer {
  topics: string[];
  /** Every matching event after this seq will be delivered. */
  seq: number;
  /** The event log that seq belongs to. */
  epoch: string;
}

/** An error answer from the server (or TIMEOUT / DISCONNECTED from the client itself). */
export class PetstoreRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly payload?: unknown,
  ) {
    super(message);
    this.name = 'PetstoreRequestError';
  }
}
